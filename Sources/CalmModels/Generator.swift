import CalmAutograd
import CalmNN
import CalmTensor
import CalmText

/// What `Generator.generate` produced.
public struct Generation: Sendable {
    /// Why decoding ended.
    public enum Stop: Sendable, Equatable { case endOfSequence, stopString, maxTokens }
    /// The new token ids (a stop token or stop string's tokens included).
    public var ids: [Int]
    /// Their text, cut before a stop string (empty without a tokenizer).
    public var text: String
    public var stop: Stop
}

/// Autoregressive decoding of one prompt with a KV cache per layer: the prompt (with its
/// images) is encoded once, then each new token costs one position.
public struct Generator {
    public let model: CalmModel
    public let tokenIds: CalmTokenIds
    /// Decodes text for stop strings and the result; nil generates ids only.
    public let tokenizer: Tokenizer?
    /// Ids that end a sequence (the tokenizer's end-of-sequence token by default).
    public var stopIds: Set<Int>

    public init(model: CalmModel, tokenIds: CalmTokenIds, tokenizer: Tokenizer?, stopIds: Set<Int>? = nil) {
        (self.model, self.tokenIds, self.tokenizer) = (model, tokenIds, tokenizer)
        self.stopIds = stopIds ?? Set([tokenizer?.eosTokenId].compactMap { $0 })
    }

    /// Continues `prompt` (ids with `<image>` placeholders, one image of `images` each).
    public func generate(_ prompt: MultimodalSample, images: Tensor, options: SamplingOptions = .init()) throws -> Generation {
        try noGrad {
            let batch = try MultimodalBatch(samples: [prompt], images: images, tokenIds: tokenIds, config: model.config)
            let caches = model.llm.makeCaches()
            var rng = RandomGenerator(seed: options.seed)
            var logits = lastLogits(model.llm.hiddenStates(model.inputEmbeddings(batch), mask: batch.routingMask, caches: caches))
            var ids = [Int]()
            while ids.count < options.maxTokens {
                let next = sampleToken(logits, answer: ids, options: options, using: &rng)
                ids.append(next)
                if stopIds.contains(next) { return try finish(ids, .endOfSequence) }
                if let tokenizer, let cut = try stopCut(tokenizer.decode(ids), options) {
                    return Generation(ids: ids, text: cut, stop: .stopString)
                }
                let position = batch.length + ids.count - 1
                let mask = batch.routingMask.map { _ in batch.routingMask(queries: position..<(position + 1), keys: position + 1) }
                let input = model.llm.embed(Tensor([Int64(next)], shape: [1, 1]))
                logits = lastLogits(model.llm.hiddenStates(input, mask: mask, caches: caches))
            }
            return try finish(ids, .maxTokens)
        }
    }

    /// The vocabulary logits of the last position of hidden states [1, T, D].
    private func lastLogits(_ hidden: Variable) -> [Float] {
        let t = hidden.shape[1]
        return model.llm.logits(hidden.slice(axis: 1, (t - 1)..<t)).value.to(.float32).toArray(Float.self)
    }

    private func finish(_ ids: [Int], _ stop: Generation.Stop) throws -> Generation {
        let text = try tokenizer?.decode(ids, skipSpecialTokens: true) ?? ""
        return Generation(ids: ids, text: text, stop: stop)
    }

    /// The text before the first stop string, when it holds one.
    private func stopCut(_ text: String, _ options: SamplingOptions) -> String? {
        options.stopStrings.compactMap { text.range(of: $0)?.lowerBound }.min().map { String(text[..<$0]) }
    }
}
