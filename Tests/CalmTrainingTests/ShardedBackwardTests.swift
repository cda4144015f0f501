import CalmAutograd
import CalmModels
import CalmTensor
import XCTest
@testable import CalmTraining

/// A micro-batch cut into shards trained concurrently gives the gradient of the whole batch.
final class ShardedBackwardTests: XCTestCase {
    private let tokenIds = CalmTokenIds(image: 4090, low: 4091, middle: 4092, high: 4093, thematic: 4094)

    /// Three samples of different lengths and answer counts (so the shards' weights differ), one
    /// with routing: two shards' gradients equal the whole batch's to float32 rounding, and are
    /// the same bits on every run.
    func testShardedGradientsEqualTheWholeBatchsAndRepeatExactly() throws {
        let model = CalmModel(.tiny, seed: 7)
        let samples = [
            MultimodalSample(ids: [1, tokenIds.image, 20, 21, 22, 300, 301, 2], lossMask: [false, false, false, false, false, true, true, true]),
            MultimodalSample(ids: [1, tokenIds.image, 23, 400, 2], lossMask: [false, false, false, true, true], visibleGroups: [.low, .thematic]),
            MultimodalSample(ids: [1, tokenIds.image, 24, 25, 500, 501, 502, 503, 504, 2],
                             lossMask: [false, false, false, false, true, true, true, true, true, true]),
        ]
        var random = RandomGenerator(seed: 4)
        let side = CalmConfig.tiny.vision.imageSize
        let images = Tensor.uniform([3, 3, side, side], low: -1, high: 1, using: &random)
        func shards(_ count: Int) throws -> [MicroBatchShard] {
            try MultimodalBatch.shards(samples: samples, images: images, count: count, tokenIds: tokenIds, config: .tiny)
                .map { MicroBatchShard(model, $0) }
        }
        func gradients(_ shards: [MicroBatchShard]) -> (loss: Double, grads: [Tensor?]) {
            model.zeroGrad()
            let loss = ShardedBackward.run(shards, scale: 1)
            return (loss, model.parameters().map { $0.variable.grad.map { $0.contiguous() } })
        }

        let split = try shards(2)
        XCTAssertEqual(split.map(\.images), [1, 2])
        XCTAssertEqual(split.map(\.averagedOver), [3, 8])
        let whole = gradients(try shards(1)), sharded = gradients(split), again = gradients(split)
        XCTAssertEqual(sharded.loss, whole.loss, accuracy: 1e-6 * abs(whole.loss))
        XCTAssertEqual(again.loss, sharded.loss)
        for ((name, _), (w, (s, a))) in zip(model.parameters(), zip(whole.grads, zip(sharded.grads, again.grads))) {
            guard let w, let s, let a else {
                XCTAssertTrue(w == nil && s == nil && a == nil, "\(name): a gradient on one side only")
                continue
            }
            let wv = w.toArray(Float.self), sv = s.toArray(Float.self)
            let scale = wv.map(abs).max() ?? 0
            let worst = zip(wv, sv).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-4 * scale + 1e-7, "\(name): sharded gradient off by \(worst) (largest \(scale))")
            XCTAssertTrue(a.toArray(Float.self) == sv, "\(name): two sharded runs differ")
        }
    }
}
