import CalmTensor

// Pointwise math. Each backward is written in terms of the saved input or output,
// whichever makes the derivative cheapest.

/// e^x; d/dx = e^x = output.
public struct ExpOp: Op {
    public static let name = "exp"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].exp(), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g * c.output] }
}

/// ln x; d/dx = 1/x.
public struct LogOp: Op {
    public static let name = "log"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].log(), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g / c.inputs[0]] }
}

/// √x; d/dx = 1 / (2√x).
public struct SqrtOp: Op {
    public static let name = "sqrt"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].sqrt(), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g / c.output * 0.5] }
}

/// 1/√x; d/dx = -y³/2.
public struct RsqrtOp: Op {
    public static let name = "rsqrt"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].rsqrt(), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g * c.output.pow(3) * -0.5] }
}

/// tanh x; d/dx = 1 - y².
public struct TanhOp: Op {
    public static let name = "tanh"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].tanh(), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [g * (1 - c.output * c.output)]
    }
}

/// x^p for a constant p; d/dx = p x^(p-1).
public struct PowOp: Op {
    public static let name = "pow"
    public let exponent: Double
    public init(_ exponent: Double) { self.exponent = exponent }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].pow(exponent), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [g * c.inputs[0].pow(exponent - 1) * exponent]
    }
}

extension Variable {
    public func exp() -> Variable { ExpOp().apply(self) }
    public func log() -> Variable { LogOp().apply(self) }
    public func sqrt() -> Variable { SqrtOp().apply(self) }
    public func rsqrt() -> Variable { RsqrtOp().apply(self) }
    public func tanh() -> Variable { TanhOp().apply(self) }
    public func pow(_ exponent: Double) -> Variable { PowOp(exponent).apply(self) }
}
