import CalmTensor

// Pointwise activations with fused C kernels: one pass for the value, one for the
// derivative (recomputed from the input, so nothing else is saved).

/// The fused activations; the raw value is the op's registry name.
public enum Activation: String, Sendable {
    /// GELU, exact form x·Φ(x).
    case gelu
    /// GELU, tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).
    case geluTanh = "gelu_tanh"
    /// CLIP's x·σ(1.702x).
    case quickGelu = "quick_gelu"
    /// x·σ(x), the gate of Llama's SwiGLU.
    case silu

    fileprivate func kernels<T>(_ nn: NNKernels<T>) -> (NNKernels<T>.Unary, NNKernels<T>.UnaryBackward) {
        switch self {
        case .gelu: return (nn.geluErf, nn.geluErfBackward)
        case .geluTanh: return (nn.geluTanh, nn.geluTanhBackward)
        case .quickGelu: return (nn.quickGelu, nn.quickGeluBackward)
        case .silu: return (nn.silu, nn.siluBackward)
        }
    }
}

/// Names one activation at the type level, so each has its own op type in the registry.
public protocol ActivationKind { static var activation: Activation { get } }
public enum GeluKind: ActivationKind { public static let activation = Activation.gelu }
public enum GeluTanhKind: ActivationKind { public static let activation = Activation.geluTanh }
public enum QuickGeluKind: ActivationKind { public static let activation = Activation.quickGelu }
public enum SiluKind: ActivationKind { public static let activation = Activation.silu }

/// A fused pointwise activation; backward calls the derivative kernel on the saved input.
public struct ActivationOp<Kind: ActivationKind>: Op {
    public static var name: String { Kind.activation.rawValue }
    public init() {}

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Void) {
        let x = inputs[0].contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) {
            let (px, py, chunks) = (x.nn(T.self), y.nn(T.self), rowChunks(x.count, rowSize: 1))
            Parallel.run(chunks.count) { c in
                Kind.activation.kernels(T.nn).0(px + chunks[c].lowerBound, py + chunks[c].lowerBound, chunks[c].count)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (y, ())
    }

    public func backward(_ gradOutput: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), g = gradOutput.contiguous(), dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) {
            let (px, pg, pdx, chunks) = (x.nn(T.self), g.nn(T.self), dx.nn(T.self), rowChunks(x.count, rowSize: 1))
            Parallel.run(chunks.count) { c in
                let i = chunks[c].lowerBound
                Kind.activation.kernels(T.nn).1(px + i, pg + i, pdx + i, chunks[c].count)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx]
    }
}

public typealias GeluOp = ActivationOp<GeluKind>
public typealias GeluTanhOp = ActivationOp<GeluTanhKind>
public typealias QuickGeluOp = ActivationOp<QuickGeluKind>
public typealias SiluOp = ActivationOp<SiluKind>

extension Variable {
    /// GELU (exact, erf form).
    public func gelu() -> Variable { GeluOp().apply(self) }
    /// GELU (tanh approximation).
    public func geluTanh() -> Variable { GeluTanhOp().apply(self) }
    /// x·σ(1.702x), CLIP's activation.
    public func quickGelu() -> Variable { QuickGeluOp().apply(self) }
    /// x·σ(x).
    public func silu() -> Variable { SiluOp().apply(self) }
}
