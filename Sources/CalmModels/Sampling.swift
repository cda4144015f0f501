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
    /// CTRL's repetition penalty: the logit of every token already in the answer is divided by
    /// it when positive and multiplied by it when negative. 1 is off; above 1 discourages
    /// repeats, below 1 encourages them. Must be > 0.
    public var repetitionPenalty: Double
    /// No n-gram of this many tokens appears twice in the answer: a token that would complete
    /// one already there is banned. 0 is off.
    public var noRepeatNgramSize: Int
    /// Seed of the sampling generator (unused when greedy).
    public var seed: UInt64
    /// Generation stops once the decoded text contains one of these; it is cut before it.
    public var stopStrings: [String]

    public init(maxTokens: Int = 128, temperature: Double = 0, topP: Double = 1, repetitionPenalty: Double = 1,
                noRepeatNgramSize: Int = 0, seed: UInt64 = 0, stopStrings: [String] = []) {
        (self.maxTokens, self.temperature, self.topP, self.seed, self.stopStrings) = (maxTokens, temperature, topP, seed, stopStrings)
        (self.repetitionPenalty, self.noRepeatNgramSize) = (repetitionPenalty, noRepeatNgramSize)
    }
}

/// Picks the next token of an answer from one position's logits: repetition control over
/// `answer` (the tokens generated so far), then `sampleToken`.
///
/// Only the answer counts, not the prompt. Hugging Face counts a decoder-only model's whole
/// input (prompt included) but calm's prompts are chat templates, which answers legitimately
/// echo: counting them can ban the end-of-turn token after an answer that ends like the question
/// ("…photo." + `<|endoftext|>`), or "the composition of this image" in an answer to
/// "Describe the composition of this image.". (HF's `prompt_ignore_length` does the same for the penalty.)
public func sampleToken(_ logits: [Float], answer: [Int], options: SamplingOptions, using rng: inout RandomGenerator) -> Int {
    var logits = logits
    // Hugging Face's order, the penalty then the n-gram ban (either order gives the same logits).
    applyRepetitionPenalty(&logits, context: answer, penalty: options.repetitionPenalty)
    banRepeatedNgrams(&logits, context: answer, size: options.noRepeatNgramSize)
    return sampleToken(logits, temperature: options.temperature, topP: options.topP, using: &rng)
}

/// Hugging Face's `RepetitionPenaltyLogitsProcessor`: once per distinct id of `context`, a
/// positive (or zero) logit is divided by `penalty` and a negative one multiplied, so both become
/// less likely for a penalty above 1. Ids outside the logits (which the head cannot emit) are skipped.
public func applyRepetitionPenalty(_ logits: inout [Float], context: [Int], penalty: Double) {
    precondition(penalty > 0 && penalty.isFinite, "repetition penalty must be a positive number, got \(penalty)")
    guard penalty != 1 else { return }
    let penalty = Float(penalty)
    for id in Set(context) where logits.indices.contains(id) {
        logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty
    }
}

/// Hugging Face's `NoRepeatNGramLogitsProcessor`: every token that would complete an n-gram of
/// `size` tokens already in `context` gets logit -inf. Such n-grams start where `context`'s
/// last size - 1 tokens occur earlier; their last token is banned.
public func banRepeatedNgrams(_ logits: inout [Float], context: [Int], size: Int) {
    precondition(size >= 0, "no-repeat n-gram size must be ≥ 0, got \(size)")
    guard size > 0, context.count >= size else { return }
    let prefix = context.suffix(size - 1)
    for start in 0...(context.count - size) where context[start..<(start + size - 1)].elementsEqual(prefix) {
        let banned = context[start + size - 1]
        if logits.indices.contains(banned) { logits[banned] = -.infinity }
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
