import CalmTensor
import Foundation
import XCTest
@testable import CalmTraining

/// `mpirun -np N calm train` against plain `calm train` with the same global batch: the probe
/// stage over synthetic shards, AdamW, gradient clipping, metrics and checkpoints.
final class TrainCommandMPITests: XCTestCase {
    var folder = ""
    var calm: String { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("calm").path }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: calm) else { throw XCTSkip("the calm executable is not built") }
        folder = NSTemporaryDirectory() + "calm-mpi-train-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/shards", withIntermediateDirectories: true)
        _ = try SyntheticData.write(count: 20, to: folder + "/shards")
        try """
        stage: pretrain
        model: {config: probe-mlp}
        data: {sources: {photos: {kind: shards, path: \(folder)/shards}}, workers: 1, shuffle_buffer: 5}
        train: {max_steps: 6, batch_size: 6, seed: 5, log_every: 100}
        optimizer: {lr: 1.0e-2}
        checkpoint: {every: 3, keep_last: 3}
        run: {dir: \(folder)/run}
        """.write(toFile: folder + "/probe.yaml", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { if !folder.isEmpty { try? FileManager.default.removeItem(atPath: folder) } }

    /// The arguments of `calm train` with `per-rank batch` into run folder `name`.
    func train(_ name: String, batch: Int, resume: Bool = false, _ settings: [String] = []) -> [String] {
        [calm, "train", folder + "/probe.yaml", "train.batch_size=\(batch)", "run.dir=\(folder)/\(name)"] + settings + (resume ? ["--resume"] : [])
    }

    /// Logged losses and final weights of a run folder.
    func outcome(_ name: String) throws -> (losses: [Double], weights: [String: [Float]]) {
        // Training records carry "loss"; evaluation records ({"step", "eval"}) do not.
        let losses = try MetricsLog.read(folder + "/\(name)/metrics.jsonl").compactMap { ($0["loss"] as? NSNumber)?.doubleValue }
        let checkpoint = try TrainingCheckpoint.read(from: CheckpointDirectory(folder: folder + "/\(name)/checkpoints").path(forStep: 6))
        return (losses, Dictionary(uniqueKeysWithValues: checkpoint.parameters.map { ($0.name, $0.value.toArray(Float.self)) }))
    }

    /// Float32 sums in another order, through AdamW: a few ulps of the weights.
    func assertSameRun(_ name: String, as reference: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (run, ref) = (try outcome(name), try outcome(reference))
        XCTAssertEqual(run.losses.count, 6, name, file: file, line: line)
        for (a, b) in zip(run.losses, ref.losses) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(name): loss", file: file, line: line) }
        XCTAssertEqual(Set(run.weights.keys), Set(ref.weights.keys), name, file: file, line: line)
        let error = ref.weights.map { key, values in zip(values, run.weights[key]!).map { abs($0 - $1) }.max() ?? 0 }.max() ?? .infinity
        XCTAssertLessThan(error, 1e-5, "\(name): largest weight difference", file: file, line: line)
    }

    func testTwoRanksTrainLikeOneProcessAndResumeOnThree() throws {
        try MPIJob.runProcess(calm, Array(train("single", batch: 6).dropFirst()))
        let output = try MPIJob.launch(ranks: 2, train("two", batch: 3))
        XCTAssertEqual(output.components(separatedBy: "steps done").count - 1, 1, "only rank 0 reports:\n\(output)")
        XCTAssertTrue(output.contains("gradient allreduce after backward"), "one machine: no overlap by default:\n\(output)")
        try assertSameRun("two", as: "single")

        // Resume the 2-rank run from its step-3 checkpoint on 3 ranks of 2 records.
        let checkpoints = CheckpointDirectory(folder: folder + "/two/checkpoints")
        try FileManager.default.removeItem(atPath: checkpoints.path(forStep: 6))
        try MPIJob.launch(ranks: 3, train("two", batch: 2, resume: true))
        try assertSameRun("two", as: "single")
    }

    /// With gradient accumulation only the last micro-batch's backward overlaps the allreduce;
    /// `CALM_OVERLAP=1` forces overlap on this one machine, `0` turns it off. Either way the run is
    /// the same, bit for bit.
    func testOverlapWithGradientAccumulationMatchesTheSequentialPathExactly() throws {
        let accumulate = ["train.gradient_accumulation=2"]
        let overlapped = try MPIJob.launch(ranks: 2, train("overlap", batch: 2, accumulate), environment: ["CALM_OVERLAP": "1"])
        XCTAssertTrue(overlapped.contains("gradient allreduce overlapped with backward"), overlapped)
        let sequential = try MPIJob.launch(ranks: 2, train("sequential", batch: 2, accumulate), environment: ["CALM_OVERLAP": "0"])
        XCTAssertTrue(sequential.contains("gradient allreduce after backward"), sequential)
        let (a, b) = (try outcome("overlap"), try outcome("sequential"))
        XCTAssertEqual(a.losses, b.losses)
        XCTAssertEqual(a.weights, b.weights)
    }
}
