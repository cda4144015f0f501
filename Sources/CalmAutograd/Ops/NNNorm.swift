import CalmTensor

// Layer norm and RMS norm over the last axis, each one fused kernel per direction. The
// forward pass saves per-row statistics so the backward pass is one sweep over x.

/// Per-row statistics the norms keep for their backward pass.
public struct NormStatistics {
    /// Row means (layer norm only; unused by RMS norm).
    let mean: Tensor?
    /// 1 / sqrt(variance + eps) (layer norm) or 1 / sqrt(mean(x²) + eps) (RMS norm) per row.
    let rstd: Tensor
}

/// Layer norm over the last axis; inputs x [..., C] and optionally weight [C], bias [C].
public struct LayerNormOp: Op {
    public static let name = "layer_norm"
    public let eps: Double
    public init(eps: Double = 1e-5) { self.eps = eps }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: NormStatistics) {
        let x = inputs[0].contiguous(), (rows, cols) = x.rowsAndColumns
        let params = checkedParameters(inputs, cols, Self.name)
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let mean = Tensor(uninitialized: [rows], dtype: x.dtype), rstd = Tensor(uninitialized: [rows], dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) {
            T.nn.layerNorm(x.nn(T.self), params.first?.nn(T.self), params.dropFirst().first?.nn(T.self), y.nn(T.self),
                           mean.nn(T.self), rstd.nn(T.self), rows, cols, eps)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (y, NormStatistics(mean: mean, rstd: rstd))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<NormStatistics>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), dy = g.contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = c.inputs.count > 1 ? c.inputs[1].contiguous() : nil
        let grads = c.inputs.map { Tensor(uninitialized: $0.shape, dtype: x.dtype) }
        func run<T: NNFloat>(_: T.Type) {
            T.nn.layerNormBackward(dy.nn(T.self), x.nn(T.self), weight?.nn(T.self), c.saved.mean!.nn(T.self),
                                   c.saved.rstd.nn(T.self), grads[0].nn(T.self), grads.dropFirst().first?.nn(T.self),
                                   grads.dropFirst(2).first?.nn(T.self), rows, cols)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return grads
    }
}

/// RMS norm (Llama) over the last axis; inputs x [..., C] and optionally weight [C].
public struct RMSNormOp: Op {
    public static let name = "rms_norm"
    public let eps: Double
    public init(eps: Double = 1e-6) { self.eps = eps }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: NormStatistics) {
        let x = inputs[0].contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = checkedParameters(inputs, cols, Self.name).first
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype), rstd = Tensor(uninitialized: [rows], dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) {
            T.nn.rmsNorm(x.nn(T.self), weight?.nn(T.self), y.nn(T.self), rstd.nn(T.self), rows, cols, eps)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (y, NormStatistics(mean: nil, rstd: rstd))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<NormStatistics>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), dy = g.contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = c.inputs.count > 1 ? c.inputs[1].contiguous() : nil
        let grads = c.inputs.map { Tensor(uninitialized: $0.shape, dtype: x.dtype) }
        func run<T: NNFloat>(_: T.Type) {
            T.nn.rmsNormBackward(dy.nn(T.self), x.nn(T.self), weight?.nn(T.self), c.saved.rstd.nn(T.self),
                                 grads[0].nn(T.self), grads.dropFirst().first?.nn(T.self), rows, cols)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return grads
    }
}

/// The weight and bias inputs after x, dense, checked to be [cols] of x's dtype.
private func checkedParameters(_ inputs: [Tensor], _ cols: Int, _ op: String) -> [Tensor] {
    inputs.dropFirst().map { p in
        precondition(p.shape == [cols] && p.dtype == inputs[0].dtype,
                     "\(op): parameter \(p.dtype)\(p.shape) does not match x \(inputs[0].dtype)\(inputs[0].shape)")
        return p.contiguous()
    }
}

extension Variable {
    /// Layer norm over the last axis with optional affine `weight` and `bias`.
    public func layerNorm(weight: Variable? = nil, bias: Variable? = nil, eps: Double = 1e-5) -> Variable {
        precondition(bias == nil || weight != nil, "layerNorm: a bias needs a weight")
        return LayerNormOp(eps: eps).apply([self] + [weight, bias].compactMap { $0 })
    }
    /// RMS norm over the last axis with optional `weight`.
    public func rmsNorm(weight: Variable? = nil, eps: Double = 1e-6) -> Variable {
        RMSNormOp(eps: eps).apply([self] + [weight].compactMap { $0 })
    }
}
