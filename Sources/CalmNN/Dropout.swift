import CalmAutograd
import CalmTensor

/// Zeroes each element with probability `p` while training (scaling the rest by 1/(1-p));
/// the identity in evaluation mode or when `p` is 0. Its masks come from its own seeded
/// generator, so a run is reproducible.
public final class Dropout: Module {
    public let p: Double
    public var generator: RandomGenerator

    public init(_ p: Double, seed: UInt64) {
        precondition(p >= 0 && p < 1, "dropout: probability \(p) outside [0, 1)")
        self.p = p
        generator = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        guard isTraining && p > 0 else { return x }
        return x.dropout(p: p, using: &generator)
    }
}
