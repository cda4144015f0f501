import CalmAutograd
import CalmTensor

/// Layer normalization over the last axis with a learned scale and shift (fused op).
public final class LayerNorm: Module {
    public let weight: Variable, bias: Variable
    public let eps: Double

    public init(_ dim: Int, eps: Double = 1e-5) {
        weight = Initializer.constant([dim], 1, name: "weight")
        bias = Initializer.constant([dim], 0, name: "bias")
        self.eps = eps
    }

    public override var localParameters: [(String, Variable)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Variable) -> Variable { x.layerNorm(weight: weight, bias: bias, eps: eps) }
}

/// Root-mean-square normalization over the last axis with a learned scale (Llama; fused op).
public final class RMSNorm: Module {
    public let weight: Variable
    public let eps: Double

    public init(_ dim: Int, eps: Double = 1e-5) {
        weight = Initializer.constant([dim], 1, name: "weight")
        self.eps = eps
    }

    public override var localParameters: [(String, Variable)] { [("weight", weight)] }

    public func callAsFunction(_ x: Variable) -> Variable { x.rmsNorm(weight: weight, eps: eps) }
}
