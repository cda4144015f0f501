import CalmAutograd
import CalmTensor
import CalmTraining
import Foundation

/// Whether the data side keeps up with pretraining: the calm-tiny step (forward and backward,
/// batch 8) on the same `steps`
/// batches twice: read live from the reader (2 worker threads decode, measure pseudo-labels,
/// render and tokenize text while the model computes), and replayed from memory after a
/// reader with the same seed made them. The live time includes any wait for data (reported
/// alone) and the workers' competition for the cores. Shards come from `CALM_BENCH_SHARDS`
/// (default `runs/data/photos`: `calm ingest Datasets/photos --output runs/data/photos --fixed-size 256`).
/// `pretrain` holds the recipe's pretrain keys (`name` tells the cases apart).
func pretrainStepTimes(_ name: String, pretrain: String, steps: Int = 12) throws -> [BenchResult] {
    let shards = ProcessInfo.processInfo.environment["CALM_BENCH_SHARDS"] ?? "runs/data/photos"
    let recipe = try Recipe.parse(yaml: """
        stage: pretrain
        model: {config: calm-tiny, tokenizer: Datasets/tokenizers/calm-tiny.json}
        data: {sources: {photos: {kind: shards, path: \(shards)}}, workers: 2}
        pretrain: {\(pretrain)}
        train: {max_steps: 1, batch_size: 8}
        optimizer: {lr: 1.0e-4}
        """, file: "bench-pretrain.yaml")
    func seconds(_ stage: PretrainStage, _ step: (Int) throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<steps {
            try step(i)
            stage.model.zeroGrad()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
    }
    let replaying = try PretrainStage(recipe: recipe)
    let batches = try (0..<steps).map { _ in try replaying.nextExamples() }
    let replayed = try seconds(replaying) { replaying.model.loss(try replaying.makeBatch(batches[$0])).backward() }
    let live = try PretrainStage(recipe: recipe)
    var random = RandomGenerator(seed: 0)
    let real = try seconds(live) { _ in try live.nextMicroBatch(random: &random).loss.backward() }
    let waited = live.dataWaitSeconds / Double(steps)
    print("pretrain step (\(name)): " + String(format: "%.3f s with the live reader (%.3f s of it waiting for data), %.3f s on the same batches replayed",
                                                 real, waited, replayed))
    return [
        BenchResult(name: "pretrain step, live reader (\(name))", threads: 2, size: "calm-tiny, batch 8", unit: "s/step", value: real,
                    baseline: replayed, baselineName: "same batches replayed"),
        BenchResult(name: "pretrain step, waiting for data (\(name))", threads: 2, size: "calm-tiny, batch 8", unit: "s/step", value: waited),
    ]
}

let pretrainStepBenchmark = Benchmark(name: "pretrain") {
    do {
        // The recipe defaults, and the costliest samples: single-attribute questions with level targeting
        // (Recipes/pretrain-tiny-corpus-targeted.yaml).
        return try pretrainStepTimes("recipe defaults", pretrain: "")
            + pretrainStepTimes("level-targeted", pretrain: """
                attributes: [exposure, saturation, sharpness, noise, temperature, tint], focused_questions: 1.0, target_levels: 0.8
                """)
    } catch {
        print("pretrain: \(error)")
        return []
    }
}
