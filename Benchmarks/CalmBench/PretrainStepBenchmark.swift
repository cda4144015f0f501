import CalmAutograd
import CalmTensor
import CalmTraining
import Foundation

/// Whether the data side keeps up with a stage's step (forward and backward): the same `steps`
/// batches twice, read live from the reader (2 worker threads decode, measure pseudo-labels,
/// edit photos, render and tokenize text while the model computes), and replayed from memory
/// after a reader with the same seed made them. The live time includes any wait for data
/// (reported alone) and the workers' competition for the cores. Shards come from
/// `CALM_BENCH_SHARDS` (default `runs/data/photos`:
/// `calm ingest Datasets/photos --output runs/data/photos --fixed-size 256`).
/// `pretrain` holds the recipe's pretrain keys (`name` tells the cases apart).
func stepTimes(_ name: String, stage: String, pretrain: String, batchSize: Int, steps: Int = 12) throws -> [BenchResult] {
    let shards = ProcessInfo.processInfo.environment["CALM_BENCH_SHARDS"] ?? "runs/data/photos"
    let recipe = try Recipe.parse(yaml: """
        stage: \(stage)
        model: {config: calm-tiny, tokenizer: Datasets/tokenizers/calm-tiny.json}
        data: {sources: {photos: {kind: shards, path: \(shards)}}, workers: 2}
        pretrain: {\(pretrain)}
        train: {max_steps: 1, batch_size: \(batchSize)}
        optimizer: {lr: 1.0e-4}
        """, file: "bench-\(stage).yaml")
    func seconds(_ step: (Int) throws -> Variable, zeroGrad: () -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<steps {
            try step(i).backward()
            zeroGrad()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
    }
    let real: Double, waited: Double, replayed: Double
    if stage == "vision" {
        let replaying = try VisionWarmupStage(recipe: recipe), live = try VisionWarmupStage(recipe: recipe)
        let batches = try (0..<steps).map { _ in try replaying.nextExamples() }
        replayed = seconds({ replaying.loss(batches[$0]) }) { replaying.parameters.forEach { $0.variable.zeroGrad() } }
        real = try seconds({ _ in live.loss(try live.nextExamples()) }) { live.parameters.forEach { $0.variable.zeroGrad() } }
        waited = live.dataWaitSeconds / Double(steps)
    } else {
        let replaying = try PretrainStage(recipe: recipe), live = try PretrainStage(recipe: recipe)
        let batches = try (0..<steps).map { _ in try replaying.nextExamples() }
        replayed = try seconds({ replaying.model.loss(try replaying.makeBatch(batches[$0])) }) { replaying.model.zeroGrad() }
        var random = RandomGenerator(seed: 0)
        real = try seconds({ _ in try live.nextMicroBatch(random: &random).loss }) { live.model.zeroGrad() }
        waited = live.dataWaitSeconds / Double(steps)
    }
    print("\(stage) step (\(name)): " + String(format: "%.3f s with the live reader (%.3f s of it waiting for data), %.3f s on the same batches replayed",
                                              real, waited, replayed))
    let size = "calm-tiny, batch \(batchSize)"
    return [
        BenchResult(name: "\(stage) step, live reader (\(name))", threads: 2, size: size, unit: "s/step", value: real,
                    baseline: replayed, baselineName: "same batches replayed"),
        BenchResult(name: "\(stage) step, waiting for data (\(name))", threads: 2, size: size, unit: "s/step", value: waited),
    ]
}

let pretrainStepBenchmark = Benchmark(name: "pretrain") {
    do {
        // The recipe defaults, and the costliest samples: single-attribute questions with level targeting
        // (Recipes/pretrain-tiny-corpus-targeted.yaml); then the vision warm-up of Recipes/vision-tiny-corpus.yaml.
        let targeted = "focused_questions: 1.0, augment: 0.5, target_levels: 0.8"
        return try stepTimes("recipe defaults", stage: "pretrain", pretrain: "", batchSize: 8)
            + stepTimes("level-targeted", stage: "pretrain", pretrain: """
                attributes: [exposure, saturation, sharpness, noise, temperature, tint], \(targeted)
                """, batchSize: 8)
            + stepTimes("warm-up, all attributes", stage: "vision", pretrain: "\(targeted), recompose: 0.8", batchSize: 32, steps: 6)
    } catch {
        print("pretrain: \(error)")
        return []
    }
}
