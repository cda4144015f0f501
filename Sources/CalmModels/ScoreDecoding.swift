import Foundation
import CalmText

/// Reads an aesthetic score from the model (after Q-Align): the answer "The aesthetic quality
/// of the image is {excellent|good|fair|poor|bad}" is taken as the softmax over those five
/// words' logits at the answer position, weighted 5..1, mapped linearly to a dataset's scale.
public struct ScoreDecoder: Sendable {
    /// The level words, best first.
    public static let levels = ["excellent", "good", "fair", "poor", "bad"]
    /// The token id that starts each level word, in `levels` order.
    public let levelIds: [Int]

    public init(levelIds: [Int]) {
        precondition(levelIds.count == Self.levels.count, "ScoreDecoder: needs \(Self.levels.count) level ids, got \(levelIds.count)")
        self.levelIds = levelIds
    }

    /// The first token of " excellent", " good", … (the words follow "is ") in `tokenizer`.
    public init(tokenizer: Tokenizer) throws {
        let ids = try Self.levels.map { word -> Int in
            guard let first = tokenizer.encode(" " + word, parseSpecial: false).first else {
                throw SequenceError("the tokenizer encodes \" \(word)\" to nothing")
            }
            return first
        }
        guard Set(ids).count == ids.count else {
            throw SequenceError("the level words \(Self.levels) do not start with distinct tokens: \(ids)")
        }
        self.init(levelIds: ids)
    }

    /// The expected level in [1, 5] (5 = excellent) of one position's vocabulary logits.
    public func expectedLevel(_ logits: [Float]) -> Double {
        let chosen = levelIds.map { Double(logits[$0]) }, top = chosen.max()!
        let weights = chosen.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
        return zip(weights, [5.0, 4, 3, 2, 1]).reduce(0) { $0 + $1.0 * $1.1 } / total
    }

    /// The expected level mapped linearly from [1, 5] onto `scale` (e.g. 1...10 for AVA).
    public func score(_ logits: [Float], scale: ClosedRange<Double>) -> Double {
        scale.lowerBound + (expectedLevel(logits) - 1) / 4 * (scale.upperBound - scale.lowerBound)
    }
}

/// The first decimal number in a generated answer ("6.5", "score: -1", "7/10" → 7), or nil.
public func parseNumericAnswer(_ text: String) -> Double? {
    guard let range = text.range(of: #"[-+]?(\d+(\.\d*)?|\.\d+)"#, options: .regularExpression) else { return nil }
    return Double(text[range])
}
