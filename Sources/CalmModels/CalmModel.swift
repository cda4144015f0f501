import CalmAutograd
import CalmNN
import CalmTensor

/// CALM: the vision encoder, the MFAM and the Llama language model, with parameters named
/// `vision.*`, `mfam.*` and `llm.*`.
public final class CalmModel: Module {
    public let config: CalmConfig
    public let vision: VisionEncoder
    public let mfam: MFAM
    public let llm: Llama

    /// A freshly initialized model (see `Initializer`); the same seed gives the same weights.
    public convenience init(_ config: CalmConfig, seed: UInt64 = 0) {
        self.init(config, initializer: Initializer(seed: seed))
    }

    /// A model initialized by `initializer` (`.zeros` when its weights are loaded next).
    public init(_ config: CalmConfig, initializer: Initializer) {
        var initializer = initializer
        self.config = config
        vision = VisionEncoder(config.vision, using: &initializer)
        mfam = MFAM(config, using: &initializer)
        llm = Llama(config.language, using: &initializer)
    }

    public override var children: [(String, Module)] { [("vision", vision), ("mfam", mfam), ("llm", llm)] }

    /// The visual tokens of images [N, 3, S, S]: [N, visualTokens, Dllm], groups in order.
    public func visualTokens(_ images: Tensor) -> Variable {
        Variable.cat(mfam(vision(Variable(images))), axis: 1)
    }

    /// The language model's input [B, T, Dllm]: token embeddings with the visual slots
    /// replaced by the visual tokens (one concatenation and one row gather). `visual` is
    /// `visualTokens(batch.images)` when a caller has them already.
    public func inputEmbeddings(_ batch: MultimodalBatch, visual: Variable? = nil) -> Variable {
        let (b, t, d) = (batch.batchSize, batch.length, config.language.width)
        let text = llm.embed(batch.tokens)
        guard !batch.visualSlots.isEmpty else { return text }
        var rows = (0..<Int64(b * t)).map { $0 }
        for slot in batch.visualSlots { rows[slot.position] = Int64(b * t + slot.row) }
        let table = Variable.cat([text.reshaped([b * t, d]), (visual ?? visualTokens(batch.images)).reshaped([-1, d])], axis: 0)
        return table.indexSelect(axis: 0, Tensor(rows, shape: [b * t])).reshaped([b, t, d])
    }

    /// Vocabulary logits [B, T, V] of every position.
    public func logits(_ batch: MultimodalBatch) -> Variable {
        llm.logits(llm.hiddenStates(inputEmbeddings(batch), mask: batch.routingMask))
    }

    /// Mean next-token cross-entropy over the answer tokens, each weighted by its sample's
    /// `lossWeight` (still divided by the number of answer tokens, so that shards' losses add up
    /// as unweighted ones do). Only the positions with a label go through the output head (a
    /// quarter of them at the reference shapes), and the last language-model layer runs only from
    /// the first labelled position on. `visual`: as in `inputEmbeddings`.
    public func loss(_ batch: MultimodalBatch, visual: Variable? = nil) -> Variable {
        let t = batch.length, labels = batch.labels.toArray(Int64.self)
        let rows = labels.indices.filter { labels[$0] != -100 }
        guard let first = rows.map({ $0 % t }).min() else {  // 0, as PyTorch gives
            return llm.logits(llm.hiddenStates(inputEmbeddings(batch, visual: visual), mask: batch.routingMask)).crossEntropy(targets: batch.labels)
        }
        let hidden = llm.hiddenStates(inputEmbeddings(batch, visual: visual), mask: batch.routingMask, outputsFrom: first)
        let kept = rows.map { Int64($0 / t * (t - first) + $0 % t - first) }  // rows of [B, T - first]
        let answers = hidden.reshaped([-1, config.language.width]).indexSelect(axis: 0, Tensor(kept))
        let logits = llm.logits(answers), weights = rows.map { batch.lossWeights[$0 / t] }
        guard weights.contains(where: { $0 != 1 }) else { return logits.crossEntropy(targets: Tensor(rows.map { labels[$0] })) }
        let v = Int64(logits.shape[1])
        let picked = logits.logSoftmax().reshaped([-1]).indexSelect(axis: 0, Tensor(rows.indices.map { Int64($0) * v + labels[rows[$0]] }))
        return (picked * Variable(Tensor(weights).to(logits.value.dtype))).sum() * (-1 / Double(rows.count))
    }
}
