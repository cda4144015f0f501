import CalmAutograd
import CalmTensor
import CalmTraining
import Foundation

/// Whether the data side keeps up with pretraining: the calm-tiny step (forward and backward,
/// batch 8) with batches from the real reader (2 worker threads decode, measure pseudo-labels,
/// render and tokenize text while the model computes) against the same step on one synthetic
/// batch replayed from memory. Equal times mean prefetching hides the data work. Shards come
/// from `CALM_BENCH_SHARDS` (default `runs/data/photos`: `calm ingest Datasets/photos --output
/// runs/data/photos --fixed-size 256`).
func pretrainStepTimes(steps: Int = 12) throws -> [BenchResult] {
    let shards = ProcessInfo.processInfo.environment["CALM_BENCH_SHARDS"] ?? "runs/data/photos"
    let recipe = try Recipe.parse(yaml: """
        stage: pretrain
        model: {config: calm-tiny, tokenizer: Datasets/tokenizers/calm-tiny.json}
        data: {sources: {photos: {kind: shards, path: \(shards)}}, workers: 2}
        train: {max_steps: 1, batch_size: 8}
        optimizer: {lr: 1.0e-4}
        """, file: "bench-pretrain.yaml")
    let stage = try PretrainStage(recipe: recipe)
    let synthetic = try stage.nextExamples()
    func seconds(_ step: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps {
            try step()
            stage.model.zeroGrad()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
    }
    let replayed = try seconds { stage.model.loss(try stage.makeBatch(synthetic)).backward() }
    // Drain what the reader prefetched meanwhile, so that every measured real step waits for fresh work.
    var random = RandomGenerator(seed: 0)
    for _ in 0..<5 { _ = try stage.nextExamples() }
    let waitedBefore = stage.dataWaitSeconds
    let real = try seconds { try stage.nextMicroBatch(random: &random).loss.backward() }
    let waited = (stage.dataWaitSeconds - waitedBefore) / Double(steps)
    print(String(format: "pretrain step: %.3f s with the reader (%.3f s of it waiting for data), %.3f s on a replayed batch",
                 real, waited, replayed))
    return [
        BenchResult(name: "pretrain step, real reader", threads: 2, size: "calm-tiny, batch 8", unit: "s/step", value: real, baseline: replayed,
                    baselineName: "replayed batch"),
        BenchResult(name: "pretrain step, waiting for data", threads: 2, size: "calm-tiny, batch 8", unit: "s/step", value: waited),
    ]
}

let pretrainStepBenchmark = Benchmark(name: "pretrain") {
    do { return try pretrainStepTimes() } catch {
        print("pretrain: \(error)")
        return []
    }
}
