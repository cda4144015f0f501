import CalmModels
import CalmTensor
import CalmTraining
import Foundation

/// The benchmark's training batch at a reference configuration (architecture.md §5): eight
/// samples of one image and `textTokens` random ids, the loss on the last half of the text.
/// Scripts/peer/bench_train.py builds the same batch for the PyTorch peer.
struct TrainingWorkload {
    static let batchSize = 8

    let config: CalmConfig
    let batch: MultimodalBatch
    let textTokens: Int
    private let samples: [MultimodalSample]
    private let images: Tensor

    init(_ config: CalmConfig) throws {
        self.config = config
        let textTokens = config.vision.imageSize <= 128 ? 64 : 128  // §5: 64 for calm-tiny, 128 for calm-small
        self.textTokens = textTokens
        let tokenIds = TrainingWorkload.tokenIds(config)
        let v = config.language.vocabularySize
        var rng = RandomGenerator(seed: 2)
        let answer = textTokens / 2
        let samples = (0..<Self.batchSize).map { _ in
            MultimodalSample(ids: [tokenIds.image] + (0..<textTokens).map { _ in Int(rng.next() % UInt64(v - 5)) },
                             lossMask: [Bool](repeating: false, count: 1 + textTokens - answer) + [Bool](repeating: true, count: answer))
        }
        let s = config.vision.imageSize
        let images = Tensor.uniform([Self.batchSize, 3, s, s], low: -1, high: 1, using: &rng)
        batch = try MultimodalBatch(samples: samples, images: images, tokenIds: tokenIds, config: config)
        (self.samples, self.images) = (samples, images)
    }

    /// The batch cut into `count` shards whose forward is `model`'s loss (`ShardedBackward`).
    func shards(_ count: Int, model: CalmModel) throws -> [MicroBatchShard] {
        try MultimodalBatch.shards(samples: samples, images: images, count: count, tokenIds: Self.tokenIds(config), config: config)
            .map { MicroBatchShard(model, $0) }
    }

    /// calm's special tokens take the last five ids of the vocabulary.
    static func tokenIds(_ config: CalmConfig) -> CalmTokenIds {
        let v = config.language.vocabularySize
        return CalmTokenIds(image: v - 5, low: v - 4, middle: v - 3, high: v - 2, thematic: v - 1)
    }

    /// Matmul FLOPs of one training step as calm runs it: forward counted as 2·M·N·K per product
    /// (attention's QKᵀ and AV counted dense, as the kernels compute them), backward as twice the
    /// forward. calm skips work that cannot change the loss: the last language-model layer runs
    /// only from the first answer position, and the Q-Formers' first self-attention over their
    /// shared learned queries runs once per batch.
    var stepFLOPs: Double { 3 * forwardFLOPs(skipping: true) }

    /// The same step without those skips: the work of the PyTorch peer.
    var unprunedStepFLOPs: Double { 3 * forwardFLOPs(skipping: false) }

    private var firstAnswerPosition: Int {
        let labels = batch.labels.toArray(Int64.self)
        return labels.indices.filter { labels[$0] != -100 }.map { $0 % batch.length }.min()!
    }

    private func forwardFLOPs(skipping: Bool) -> Double {
        let b = Double(Self.batchSize)
        let vision = config.vision, mfam = config.mfam, language = config.language
        let dv = Double(vision.width), dl = Double(language.width)
        let patches = Double(vision.patches), tv = patches + 1, patchInput = Double(3 * vision.patchSize * vision.patchSize)
        // One attention layer on `rows` queries and `keys` keys of width d: projections and the two products.
        func attention(rows: Double, keys: Double, d: Double, kv: Double) -> Double {
            2 * rows * d * d * 2 + 2 * keys * d * kv * 2 + 4 * rows * keys * d
        }
        var flops = 2 * b * patches * patchInput * dv
        flops += Double(vision.depth) * b * (attention(rows: tv, keys: tv, d: dv, kv: dv) + 2 * tv * dv * Double(vision.mlpHidden) * 2)
        let nq = Double(mfam.queries), qHidden = Double(mfam.mlpRatio) * dv
        let querySelf = attention(rows: nq, keys: nq, d: dv, kv: dv)
        let qLayer = querySelf + attention(rows: nq, keys: tv, d: dv, kv: dv) + 2 * nq * dv * qHidden * 2
        flops += 3 * b * (Double(mfam.layers) * qLayer + 2 * nq * dv * dl)
        if skipping { flops -= 3 * (b - 1) * querySelf }
        let g2 = Double(mfam.thematicGrid * mfam.thematicGrid)
        flops += b * (2 * g2 * patches * dv + 2 * g2 * dv * dl + 2 * g2 * dl * dl)
        let t = Double(batch.length), kv = dl * Double(language.kvHeads) / Double(language.heads)
        func llmLayer(rows: Double) -> Double { attention(rows: rows, keys: t, d: dl, kv: kv) + 2 * rows * dl * Double(language.mlpHidden) * 3 }
        let lastLayerRows = t - Double(skipping ? firstAnswerPosition : 0)
        flops += b * (Double(language.depth - 1) * llmLayer(rows: t) + llmLayer(rows: lastLayerRows))
        let answerRows = Double(Self.batchSize * textTokens / 2)
        return flops + 2 * answerRows * dl * Double(language.vocabularySize)
    }
}

/// Peak resident memory of this process in MiB (Linux reports ru_maxrss in KiB).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The median of timings.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted(), n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// Seconds `body` takes.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
