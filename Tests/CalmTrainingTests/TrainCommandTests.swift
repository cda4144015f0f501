import CalmTestSupport
import Foundation
import XCTest
@testable import CalmTraining

/// `calm train` and `calm plot` as a user runs them: a child process, signals, the run folder.
final class TrainCommandTests: XCTestCase {
    private var folder = ""
    private var calm = ""

    override func setUpWithError() throws {
        guard let calm = calmExecutable else { throw XCTSkip("the calm executable is not built") }
        self.calm = calm
        folder = try makeTrainingTestFolder()
        try FileManager.default.createDirectory(atPath: folder + "/shards", withIntermediateDirectories: true)
        try writeProbeShards(to: folder + "/shards")
        try """
        stage: pretrain
        model: {config: probe-mlp}
        data: {sources: {photos: {kind: shards, path: \(folder)/shards}}, workers: 1, shuffle_buffer: 4}
        train: {max_steps: 6, batch_size: 4, log_every: 2}
        optimizer: {lr: 1.0e-2}
        checkpoint: {every: 3, keep_last: 2}
        run: {dir: \(folder)/run}
        """.write(toFile: folder + "/probe.yaml", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { if !folder.isEmpty { try? FileManager.default.removeItem(atPath: folder) } }

    private func launch(_ arguments: [String]) throws -> ChildProcess { try ChildProcess(calm, arguments) }

    /// Waits until the run has logged `steps` metrics records.
    private func waitForSteps(_ steps: Int, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: folder + "/run/metrics.jsonl", encoding: .utf8),
               text.split(separator: "\n").count >= steps { return }
            usleep(20_000)
        }
        XCTFail("the run logged fewer than \(steps) steps in \(timeout) s")
    }

    func testTrainWritesTheRunFolderPlotsAndExportsWeights() throws {
        let (status, output) = try launch(["train", folder + "/probe.yaml", "--export-weights", folder + "/weights.h5"]).finish()
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("step 2/6") && output.contains("step 6/6") && output.contains("eta"), output)
        let records = try MetricsLog.read(folder + "/run/metrics.jsonl")
        XCTAssertEqual(records.map { ($0["step"] as! NSNumber).intValue }, Array(1...6) + [6])
        XCTAssertNotNil((records.last?["eval"] as? [String: Any])?["mse"] as? NSNumber, "evaluation at the end")
        for key in ["loss", "lr", "grad_norm", "tokens_per_s", "images_per_s", "rss_mb", "time"] {
            XCTAssertNotNil(records[0][key] as? NSNumber, key)
        }
        let recipe = try Recipe.load(file: folder + "/run/recipe.yaml")
        XCTAssertEqual(recipe.train.maxSteps, 6)
        XCTAssertEqual(CheckpointDirectory(folder: folder + "/run/checkpoints").steps(), [3, 6])
        XCTAssertEqual(try TrainingCheckpoint.read(from: folder + "/weights.h5").kind, .weights)

        let plot = try launch(["plot", folder + "/run"]).finish()
        XCTAssertEqual(plot.status, 0, plot.output)
        let png = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/run/metrics.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    /// SIGINT stops at a step boundary with a checkpoint; --resume continues from it to the end.
    func testSigintSavesACheckpointAndResumeFinishes() throws {
        let run = try launch(["train", folder + "/probe.yaml", "train.max_steps=100000", "checkpoint.every=50000"])
        try waitForSteps(3)
        kill(run.process.processIdentifier, SIGINT)
        let (status, output) = run.finish()
        XCTAssertEqual(status, 0, output)
        let stopped = try XCTUnwrap(output.range(of: #"stopped by signal 2 at step (\d+)"#, options: .regularExpression), output)
        let step = Int(output[stopped].split(separator: " ").last!)!
        XCTAssertGreaterThanOrEqual(step, 3)
        let checkpoints = CheckpointDirectory(folder: folder + "/run/checkpoints")
        XCTAssertEqual(checkpoints.steps(), [step])
        try checkpoints.verify(checkpoints.path(forStep: step))

        let resumed = try launch(["train", folder + "/probe.yaml", "train.max_steps=\(step + 2)", "--resume"]).finish()
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertTrue(resumed.output.contains("at step \(step)"), resumed.output)
        XCTAssertEqual(try MetricsLog.read(folder + "/run/metrics.jsonl").map { ($0["step"] as! NSNumber).intValue }, Array(1...(step + 2)) + [step + 2])
    }

    /// A second signal exits at once (status 130, or 0 if the save had already finished); the
    /// newest complete checkpoint is never damaged.
    func testSecondSignalExitsAtOnceWithoutDamage() throws {
        let run = try launch(["train", folder + "/probe.yaml", "train.max_steps=100000", "checkpoint.every=1"])
        try waitForSteps(4)
        kill(run.process.processIdentifier, SIGINT)
        kill(run.process.processIdentifier, SIGINT)
        let (status, output) = run.finish()
        XCTAssertTrue([0, 130].contains(status), "status \(status): \(output)")
        let checkpoints = CheckpointDirectory(folder: folder + "/run/checkpoints")
        let newest = try XCTUnwrap(checkpoints.newestComplete())
        XCTAssertGreaterThanOrEqual(newest.checkpoint.step, 3)
    }
}

/// Scripts/kill_test.sh (20 SIGKILLs at random moments, mostly inside checkpoint writes; about 20 s).
final class KillTests: XCTestCase {
    func testKillScriptPasses() throws {
        guard let calm = calmExecutable else { throw XCTSkip("the calm executable is not built") }
        guard pythonHas("h5py") else { throw XCTSkip("h5py is not installed (the script compares the final weights with it)") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/kill_test.sh")
        let (status, output) = try ChildProcess("/bin/bash", [script.path, calm, "20"]).finish()
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("kill test passed: 20 SIGKILLs"), output)
    }
}
