import CalmAutograd
import CalmTensor

/// A lookup table [count, dim]: integer ids [...] → vectors [..., dim].
public final class Embedding: Module {
    public let weight: Variable

    public init(_ count: Int, _ dim: Int, using initializer: inout Initializer) {
        weight = initializer.normal([count, dim], name: "weight")
    }

    public override var localParameters: [(String, Variable)] { [("weight", weight)] }

    public var count: Int { weight.shape[0] }
    public var dim: Int { weight.shape[1] }

    /// The rows of `ids` (int32 or int64).
    public func callAsFunction(_ ids: Tensor) -> Variable { weight.embedding(ids) }
}
