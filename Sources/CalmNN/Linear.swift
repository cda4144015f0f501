import CalmAutograd
import CalmTensor

/// y = x·Wᵀ + b over the last axis of x [..., in] → [..., out]; W is [out, in] like PyTorch.
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using initializer: inout Initializer) {
        weight = initializer.normal([outFeatures, inFeatures], name: "weight")
        self.bias = bias ? Initializer.constant([outFeatures], 0, name: "bias") : nil
    }

    public override var localParameters: [(String, Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// Applies the layer; the transposed weight is a view, so BLAS reads W in place.
    public func callAsFunction(_ x: Variable) -> Variable {
        let y = x.matmul(weight.transposed())
        return bias.map { y + $0 } ?? y
    }
}
