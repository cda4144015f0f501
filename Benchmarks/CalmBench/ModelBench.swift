import CalmAutograd
import CalmModels
import CalmTensor
import Foundation

/// calm-tiny forward and forward + backward (no optimizer) at the reference training shape:
/// batch 8, one 128 px image and 64 text tokens per sample (132 positions after expansion),
/// loss on the last 32 tokens. Milliseconds per step, the fastest of the rounds.
let modelBenchmark = Benchmark(name: "model") {
    let config = CalmConfig.tiny, model = CalmModel(config, seed: 1)
    let v = config.language.vocabularySize
    let tokenIds = CalmTokenIds(image: v - 5, low: v - 4, middle: v - 3, high: v - 2, thematic: v - 1)
    var rng = RandomGenerator(seed: 2)
    let samples = (0..<8).map { _ in
        MultimodalSample(ids: [tokenIds.image] + (0..<64).map { _ in Int(rng.next() % UInt64(v - 5)) },
                         lossMask: [Bool](repeating: false, count: 33) + [Bool](repeating: true, count: 32))
    }
    let images = Tensor.uniform([8, 3, 128, 128], low: -1, high: 1, using: &rng)
    let batch = try! MultimodalBatch(samples: samples, images: images, tokenIds: tokenIds, config: config)
    let times = secondsPerCall(repeats: 5, [
        { _ = noGrad { model.loss(batch) } },
        { model.zeroGrad(); model.loss(batch).backward() },
    ])
    let size = "calm-tiny B=8 T=\(batch.length)"
    return [BenchResult(name: "calm-tiny forward", threads: BLAS.threads, size: size, unit: "ms", value: 1000 * times[0]),
            BenchResult(name: "calm-tiny forward+backward", threads: BLAS.threads, size: size, unit: "ms", value: 1000 * times[1])]
}
