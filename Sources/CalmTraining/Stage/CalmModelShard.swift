import CalmModels

extension MicroBatchShard {
    /// A shard whose loss is `model`'s mean next-token cross-entropy over `batch`'s answer tokens.
    public init(_ model: CalmModel, _ batch: MultimodalBatch) {
        self.init(tokens: batch.labeledTokens, images: batch.imageCount, averagedOver: batch.labeledTokens) { model.loss(batch) }
    }
}
