import CalmTensor
import CalmTestSupport
import Foundation
@testable import CalmData
@testable import CalmTraining

/// A fresh empty folder under the system temporary directory.
func makeTrainingTestFolder(_ name: String = #function) throws -> String {
    let folder = NSTemporaryDirectory() + "calm-training-\(name.filter(\.isLetter))-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Two shards of `count` random 12×12 images with one label (the image's red mean), in `folder`.
func writeProbeShards(count: Int = 24, to folder: String) throws {
    var random = RandomGenerator(seed: 11)
    let layout = ShardLayout.fixed(size: 12)
    var manifest = ShardManifest(source: "synthetic", layout: layout, shardSize: count / 2, sourceCount: count, labelNames: ["red"])
    for shard in 0..<2 {
        let samples = (0..<count / 2).map { row -> ShardSample in
            let rgb = (0..<(12 * 12 * 3)).map { _ in UInt8(random.next() % 256) }
            let red = stride(from: 0, to: rgb.count, by: 3).map { Float(rgb[$0]) }.reduce(0, +) / Float(144 * 255)
            return ShardSample(id: "img\(shard)-\(row)", image: .pixels(width: 12, height: 12, rgb: rgb), label: [red])
        }
        let file = ShardFormat.fileName(forShard: shard)
        let digest = try ShardWriter.write(samples, layout: layout, source: "synthetic", to: folder + "/" + file)
        manifest.shards.append(.init(file: file, count: samples.count, sha256: digest, sourceEnd: (shard + 1) * count / 2))
    }
    manifest.complete = true
    try manifest.save(to: folder)
}

/// A probe-mlp recipe reading `shards`, writing to `runDirectory`, with extra overrides.
func probeRecipe(shards: String, runDirectory: String, _ overrides: [String] = []) throws -> Recipe {
    let yaml = """
    stage: pretrain
    model: {config: probe-mlp}
    data:
      sources:
        photos: {kind: shards, path: \(shards)}
      workers: 2
      shuffle_buffer: 8
    train: {max_steps: 8, batch_size: 4, seed: 3, log_every: 100}
    optimizer: {lr: 3.0e-2, weight_decay: 0.1}
    schedule: {warmup_steps: 2, decay: cosine}
    checkpoint: {every: 2, keep_last: 2}
    run: {dir: \(runDirectory)}
    """
    return try Recipe.parse(yaml: yaml, file: "probe.yaml", overrides: overrides)
}

/// A trainer whose progress output is collected rather than printed.
func quietTrainer(_ recipe: Recipe, stage: TrainingStage? = nil) throws -> (Trainer, () -> [String]) {
    let trainer = Trainer(recipe: recipe, stage: try stage ?? ImageProbeStage(recipe: recipe))
    var lines: [String] = []
    trainer.progress = ProgressReporter(totalSteps: recipe.train.maxSteps, every: 1, isTerminal: false) { lines.append($0) }
    trainer.stopRequested = { nil }
    return (trainer, { lines })
}

/// The losses logged in a run's metrics.jsonl, by step.
func loggedLosses(_ runDirectory: String) throws -> [Int: Double] {
    var losses: [Int: Double] = [:]
    for record in try MetricsLog.read(runDirectory + "/metrics.jsonl") where record["eval"] == nil {
        losses[(record["step"] as! NSNumber).intValue] = (record["loss"] as? NSNumber)?.doubleValue ?? .nan
    }
    return losses
}

/// Trains `stage` for the recipe's steps and returns the logged losses in step order.
func trainedLosses(_ recipe: Recipe, stage: TrainingStage) throws -> [Double] {
    let (trainer, _) = try quietTrainer(recipe, stage: stage)
    guard case .finished = try trainer.run(resume: false) else { throw TrainingError("\(recipe.file): the run did not finish") }
    return try loggedLosses(recipe.runDirectory).sorted { $0.key < $1.key }.map(\.value)
}

/// Path of a file in the test bundle's Fixtures folder.
func fixturePath(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
}

/// Whether a Python module can be imported (for tests that need h5py or torch).
func pythonHas(_ module: String) -> Bool {
    (try? ChildProcess("/usr/bin/env", ["python3", "-c", "import \(module)"]).finish().status) == 0
}
