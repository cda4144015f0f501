import Foundation
import CalmTensor

/// How `Generator` picks each next token and when it stops.
public struct SamplingOptions: Sendable {
    /// At most this many new tokens.
    public var maxTokens: Int
    /// 0 picks the most likely token (greedy); otherwise logits are divided by it.
    public var temperature: Double
    /// Nucleus sampling: only the most likely tokens whose probabilities add up to `topP`.
    public var topP: Double
    /// Seed of the sampling generator (unused when greedy).
    public var seed: UInt64
    /// Generation stops once the decoded text contains one of these; it is cut before it.
    public var stopStrings: [String]

    public init(maxTokens: Int = 128, temperature: Double = 0, topP: Double = 1, seed: UInt64 = 0, stopStrings: [String] = []) {
        (self.maxTokens, self.temperature, self.topP, self.seed, self.stopStrings) = (maxTokens, temperature, topP, seed, stopStrings)
    }
}

/// Picks a token id from one position's logits: the argmax when `temperature` is 0, else a
/// draw from softmax(logits / temperature) restricted to the top-p nucleus.
public func sampleToken(_ logits: [Float], temperature: Double, topP: Double, using rng: inout RandomGenerator) -> Int {
    precondition(!logits.isEmpty, "sampleToken: no logits")
    guard temperature > 0 else { return logits.indices.max { logits[$0] < logits[$1] }! }
    let scaled = logits.map { Double($0) / temperature }, top = scaled.max()!
    let weights = scaled.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
    // The nucleus: most likely first, until the kept mass reaches topP (at least one token).
    let order = weights.indices.sorted { weights[$0] > weights[$1] }
    var kept = [Int](), mass = 0.0
    for i in order where kept.isEmpty || mass < topP * total {
        kept.append(i)
        mass += weights[i]
    }
    var draw = rng.nextUniform() * mass
    for i in kept {
        draw -= weights[i]
        if draw < 0 { return i }
    }
    return kept.last!
}
