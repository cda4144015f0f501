import CalmAutograd
import CalmNN
import CalmTensor
import Foundation

/// Token-by-token decoding with a Llama: each call feeds new tokens through the model,
/// extending its per-layer KV caches, and returns the next-token logits.
public final class LlamaDecoder {
    public let model: Llama
    private var caches: [KVCache]

    public init(_ model: Llama) {
        self.model = model
        caches = model.makeCaches()
    }

    /// Positions decoded so far.
    public var length: Int { caches.first?.length ?? 0 }

    /// Forgets the sequence.
    public func reset() { caches = model.makeCaches() }

    /// Feeds `tokens` (a prompt, then one sampled token at a time) and returns the logits [V]
    /// of the position after the last of them.
    public func feed(_ tokens: [Int]) -> [Float] {
        precondition(!tokens.isEmpty, "LlamaDecoder.feed: no tokens")
        return noGrad {
            let ids = Tensor(tokens.map(Int64.init), shape: [1, tokens.count])
            let hidden = model.hiddenStates(model.embed(ids), caches: caches)
            // Only the last position's logits are needed: skip the vocabulary matmul for the rest.
            let last = hidden.slice(axis: 1, (tokens.count - 1)..<tokens.count)
            return model.logits(last).value.contiguous().toArray(Float.self)
        }
    }

    /// Decodes up to `maxTokens` tokens after `prompt`, calling `onToken` with each (return
    /// false to stop), and stopping after any token in `stop`. Returns the new tokens.
    @discardableResult
    public func generate(prompt: [Int], maxTokens: Int, sampler: inout Sampler, stop: Set<Int> = [],
                         onToken: (Int) -> Bool = { _ in true }) -> [Int] {
        var logits = feed(prompt), tokens = [Int]()
        while tokens.count < maxTokens {
            let token = sampler.next(logits)
            tokens.append(token)
            guard onToken(token), !stop.contains(token), tokens.count < maxTokens else { break }
            logits = feed([token])
        }
        return tokens
    }
}

/// How the next token is chosen from logits: greedy (temperature 0), or sampled from the
/// temperature-scaled softmax restricted to the smallest set of tokens whose probability
/// reaches `topP` (nucleus sampling).
public struct Sampler {
    public var temperature: Double
    public var topP: Double
    var rng: RandomGenerator

    public init(temperature: Double = 0, topP: Double = 1, seed: UInt64 = 0) {
        precondition(temperature >= 0 && topP > 0 && topP <= 1, "Sampler: temperature must be ≥ 0 and top-p in (0, 1]")
        (self.temperature, self.topP, rng) = (temperature, topP, RandomGenerator(seed: seed))
    }

    /// Greedy decoding.
    public static var greedy: Sampler { Sampler() }

    public mutating func next(_ logits: [Float]) -> Int {
        // Ties go to the lowest id, as torch.argmax does.
        guard temperature > 0 else { return logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }! }
        let top = Double(logits.max()!)
        var weights = logits.map { exp((Double($0) - top) / temperature) }
        let total = weights.reduce(0, +)
        let order = weights.indices.sorted { weights[$0] > weights[$1] }
        var kept = 0, mass = 0.0
        while kept < order.count && (kept == 0 || mass < topP * total) { mass += weights[order[kept]]; kept += 1 }
        for i in order[kept...] { weights[i] = 0 }
        var target = rng.nextUniform() * mass
        for i in order.prefix(kept) {
            target -= weights[i]
            if target < 0 { return i }
        }
        return order[kept - 1]
    }
}
