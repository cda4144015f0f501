import CalmAutograd
import CalmNN
import CalmTensor

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

    /// Decodes up to `options.maxTokens` tokens after `prompt` with `sampleToken` (greedy at
    /// temperature 0, with its repetition control), calling `onToken` with each (return false
    /// to stop), and stopping after any token in `stop`. `rng` carries the sampling state across
    /// calls (turns of a chat), so `options.seed` is the caller's to use, as are its stop strings.
    /// Returns the new tokens; the last one is not fed, so the cache ends before it.
    @discardableResult
    public func generate(prompt: [Int], options: SamplingOptions, stop: Set<Int> = [],
                         using rng: inout RandomGenerator, onToken: (Int) -> Bool = { _ in true }) -> [Int] {
        var logits = feed(prompt), tokens = [Int]()
        while tokens.count < options.maxTokens {
            let token = sampleToken(logits, answer: tokens, options: options, using: &rng)
            tokens.append(token)
            guard onToken(token), !stop.contains(token), tokens.count < options.maxTokens else { break }
            logits = feed([token])
        }
        return tokens
    }
}
