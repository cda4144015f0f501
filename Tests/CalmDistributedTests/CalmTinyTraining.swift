import CalmAutograd
import CalmData
import CalmModels
import CalmTensor
import CalmTraining
import Foundation
@testable import CalmDistributed

/// A few AdamW steps of calm-tiny on synthetic multimodal samples whose answers differ in
/// length, so that ranks hold different numbers of loss tokens and the loss must be weighted
/// by them to match one process.
struct CalmTinyJob: Codable {
    var folder: String
    var batchPerRank: Int
    var steps: Int
}

/// Global losses per step, and where this rank wrote its final weights (float32, parameter order).
struct CalmTinyResult: Codable {
    var losses: [Double]
    var weightsFile: String
}

enum CalmTinyData {
    static let config = CalmConfig.tiny
    static let textTokens = 24
    static var tokenIds: CalmTokenIds {
        let v = config.language.vocabularySize
        return CalmTokenIds(image: v - 5, low: v - 4, middle: v - 3, high: v - 2, thematic: v - 1)
    }

    /// Global sample `index`: one 128 px image, a prompt, and an answer of 4 to 19 tokens.
    static func sample(_ index: Int) -> (MultimodalSample, Tensor) {
        var rng = RandomGenerator(seed: 1000 + UInt64(index))
        let v = config.language.vocabularySize
        let answer = 4 + index * 7 % 16
        let sample = MultimodalSample(ids: [tokenIds.image] + (0..<textTokens).map { _ in Int(rng.next() % UInt64(v - 5)) },
                                      lossMask: [Bool](repeating: false, count: 1 + textTokens - answer) + [Bool](repeating: true, count: answer))
        let size = config.vision.imageSize
        return (sample, Tensor.uniform([1, 3, size, size], low: -1, high: 1, using: &rng))
    }
}

func runCalmTiny(_ job: CalmTinyJob, on communicator: any Communicator) throws -> CalmTinyResult {
    let model = CalmModel(CalmTinyData.config, seed: 7 + UInt64(communicator.rank))  // only the broadcast aligns the ranks
    let parameters = model.parameters()
    let parallel = DataParallel(parameters: parameters.map(\.variable), communicator: communicator, overlapBackward: true)
    try parallel.broadcastParameters()
    let optimizer = AdamW(parameters.map { ($0.name, $0.variable, true) }, hyper: .init(weightDecay: 0.05))
    let globalBatch = job.batchPerRank * communicator.size
    var losses: [Double] = []
    for step in 0..<job.steps {
        let mine = BatchShare(communicator.rank, of: communicator.size).range(count: globalBatch)
        let examples = mine.map { CalmTinyData.sample(step * globalBatch + $0) }
        let batch = try MultimodalBatch(samples: examples.map(\.0), images: Tensor.cat(examples.map(\.1), axis: 0),
                                        tokenIds: CalmTinyData.tokenIds, config: CalmTinyData.config)
        let answerTokens = batch.labels.toArray(Int64.self).filter { $0 != -100 }.count
        let share = try parallel.share(of: Double(answerTokens))
        model.zeroGrad()
        let loss = model.loss(batch) * share
        try parallel.backwardSummingGradients(loss)
        losses.append(try communicator.allreduceSum([loss.value.item])[0])
        optimizer.step(lr: 1e-3)
    }
    let weightsFile = job.folder + "/weights-\(communicator.rank).f32"
    var bytes = Data()
    for (_, variable) in parameters { variable.value.contiguous().toArray(Float.self).withUnsafeBytes { bytes.append(contentsOf: $0) } }
    try bytes.write(to: URL(fileURLWithPath: weightsFile))
    return CalmTinyResult(losses: losses, weightsFile: weightsFile)
}
