import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmTraining

final class TrainerTests: XCTestCase {
    private var folder = ""
    private var shards: String { folder + "/shards" }

    override func setUpWithError() throws {
        folder = try makeTrainingTestFolder()
        try FileManager.default.createDirectory(atPath: shards, withIntermediateDirectories: true)
        try writeProbeShards(to: shards)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// Training 8 steps straight and training 3, stopping (as on SIGINT), then resuming to 8 log the
    /// same losses and end with the same weights and moments, bit for bit; with and without
    /// gradient accumulation, stopping on and off a checkpoint boundary.
    func testStopAndResumeIsBitIdentical() throws {
        for (accumulation, stopAt) in [(1, 3), (2, 4)] {
            let overrides = ["train.gradient_accumulation=\(accumulation)"]
            let straightDir = folder + "/straight-\(accumulation)", resumedDir = folder + "/resumed-\(accumulation)"
            let (straight, _) = try quietTrainer(probeRecipe(shards: shards, runDirectory: straightDir, overrides))
            guard case .finished(let straightFinal) = try straight.run(resume: false) else { return XCTFail("straight run did not finish") }

            let recipe = try probeRecipe(shards: shards, runDirectory: resumedDir, overrides)
            let (first, _) = try quietTrainer(recipe)
            var boundaries = 0
            first.stopRequested = { boundaries += 1; return boundaries > stopAt ? SIGINT : nil }
            XCTAssertEqual(try first.run(resume: false), .stopped(atStep: stopAt, checkpoint: resumedDir + "/checkpoints/step-0000000\(stopAt).h5"))
            let (second, notes) = try quietTrainer(recipe)
            guard case .finished(let resumedFinal) = try second.run(resume: true) else { return XCTFail("resumed run did not finish") }
            XCTAssertTrue(notes().contains { $0.contains("resumed from") && $0.contains("at step \(stopAt)") }, "\(notes())")

            let expected = try loggedLosses(straightDir), actual = try loggedLosses(resumedDir)
            XCTAssertEqual(expected.keys.sorted(), Array(1...8))
            XCTAssertEqual(actual, expected, "accumulation \(accumulation)")
            let a = try TrainingCheckpoint.read(from: straightFinal), b = try TrainingCheckpoint.read(from: resumedFinal)
            XCTAssertEqual(a.parameters.map(\.name), b.parameters.map(\.name))
            for (x, y) in zip(a.parameters, b.parameters) { XCTAssertTrue(x.value.toArray(Float.self) == y.value.toArray(Float.self), x.name) }
            for (name, moment) in a.moments {
                XCTAssertTrue(moment.m.toArray(Float.self) == b.moments[name]?.m.toArray(Float.self), name)
                XCTAssertTrue(moment.v.toArray(Float.self) == b.moments[name]?.v.toArray(Float.self), name)
            }
            XCTAssertEqual(a.randomState, b.randomState)
            XCTAssertEqual(a.dataPosition, b.dataPosition)
        }
    }

    /// Two micro-batches of 2 give the same step as one batch of 4 (the loss is their mean; the
    /// data and dropout streams are drawn in the same order), up to float rounding.
    func testGradientAccumulationAveragesMicroBatches() throws {
        var losses: [[Int: Double]] = []
        for (batch, accumulation) in [(4, 1), (2, 2)] {
            let run = folder + "/batch\(batch)"
            let (trainer, _) = try quietTrainer(probeRecipe(shards: shards, runDirectory: run,
                ["train.batch_size=\(batch)", "train.gradient_accumulation=\(accumulation)", "train.max_steps=3"]))
            _ = try trainer.run(resume: false)
            losses.append(try loggedLosses(run))
        }
        for step in 1...3 { XCTAssertEqual(losses[0][step]!, losses[1][step]!, accuracy: 1e-5 * losses[0][step]!, "step \(step)") }
    }

    /// Frozen parameters keep their values and have no optimizer state in the checkpoint.
    func testFrozenParametersGetNoGradientUpdateOrState() throws {
        let recipe = try probeRecipe(shards: shards, runDirectory: folder + "/frozen", [#"train.frozen=["probe.fc1.*"]"#, "train.max_steps=2"])
        let stage = try ImageProbeStage(recipe: recipe)
        let before = stage.parameters.map { $0.variable.value.toArray(Float.self) }
        let (trainer, _) = try quietTrainer(recipe, stage: stage)
        guard case .finished(let path) = try trainer.run(resume: false) else { return XCTFail("did not finish") }
        for ((name, variable), initial) in zip(stage.parameters, before) {
            let frozen = name.hasPrefix("probe.fc1.")
            XCTAssertEqual(variable.value.toArray(Float.self) == initial, frozen, name)
            XCTAssertEqual(variable.grad == nil, frozen, name)
        }
        XCTAssertEqual(try TrainingCheckpoint.read(from: path).moments.keys.sorted(), ["probe.fc2.bias", "probe.fc2.weight"])
    }

    /// Non-finite losses skip the update (weights and moments untouched), are logged, and stop the
    /// run after `train.max_nonfinite_steps` in a row.
    func testNonFiniteStepsAreSkippedThenTheRunStops() throws {
        let recipe = try probeRecipe(shards: shards, runDirectory: folder + "/nan", ["train.max_nonfinite_steps=3"])
        let stage = NaNAfterStage(goodSteps: 2)
        let (trainer, notes) = try quietTrainer(recipe, stage: stage)
        XCTAssertThrowsError(try trainer.run(resume: false)) { error in
            XCTAssertTrue("\(error)".contains("3 non-finite steps in a row") && "\(error)".contains("step 5"), "\(error)")
        }
        XCTAssertEqual(stage.weight.value.toArray(Float.self), stage.valueAfterGoodSteps)
        let records = try MetricsLog.read(folder + "/nan/metrics.jsonl")
        XCTAssertEqual(records.map { $0["skipped"] != nil }, [false, false, true, true, true])
        XCTAssertTrue(records[2]["loss"] is NSNull)
        XCTAssertEqual(notes().filter { $0.contains("update skipped") }.count, 3)
    }

    /// A second stage starts from the first one's `latest.h5` through `model.init_from`.
    func testInitFromChainsStages() throws {
        let (first, _) = try quietTrainer(probeRecipe(shards: shards, runDirectory: folder + "/one", ["train.max_steps=2"]))
        guard case .finished(let path) = try first.run(resume: false) else { return XCTFail("did not finish") }
        let recipe = try probeRecipe(shards: shards, runDirectory: folder + "/two",
                                     ["train.max_steps=1", "schedule.warmup_steps=0", "model.init_from=\(folder)/one/checkpoints/latest.h5"])
        let stage = try ImageProbeStage(recipe: recipe, hidden: 32)
        let (second, notes) = try quietTrainer(recipe, stage: stage)
        second.stopRequested = { SIGTERM }  // stop before the first step: the weights are the loaded ones
        _ = try second.run(resume: false)
        XCTAssertTrue(notes().contains { $0.contains("loaded 4 tensors; kept as built 0") }, "\(notes())")
        let trained = Dictionary(uniqueKeysWithValues: try TrainingCheckpoint.read(from: path).parameters.map { ($0.name, $0.value) })
        for (name, variable) in stage.parameters {
            XCTAssertTrue(variable.value.toArray(Float.self) == trained[name]?.toArray(Float.self), name)
        }
    }

    /// Evaluation records every `eval.every` steps, beside the step records.
    func testEvaluationIsLoggedEveryNSteps() throws {
        let (trainer, notes) = try quietTrainer(probeRecipe(shards: shards, runDirectory: folder + "/eval", ["eval.every=3"]))
        _ = try trainer.run(resume: false)
        let evaluations = try MetricsLog.read(folder + "/eval/metrics.jsonl").filter { $0["eval"] != nil }
        XCTAssertEqual(evaluations.map { ($0["step"] as! NSNumber).intValue }, [3, 6])
        let errors = evaluations.map { (($0["eval"] as! [String: Any])["mse"] as! NSNumber).doubleValue }
        XCTAssertTrue(errors.allSatisfy { $0.isFinite && $0 > 0 }, "\(errors)")
        XCTAssertEqual(notes().filter { $0.hasPrefix("eval at step") }.count, 2)
    }

    func testFreshRunRefusesAFolderWithCheckpoints() throws {
        let recipe = try probeRecipe(shards: shards, runDirectory: folder + "/again", ["train.max_steps=2"])
        _ = try quietTrainer(recipe).0.run(resume: false)
        XCTAssertThrowsError(try quietTrainer(recipe).0.run(resume: false)) { error in
            XCTAssertTrue("\(error)".contains("--resume"), "\(error)")
        }
    }
}

/// One parameter w; loss (w·1)² for the first `goodSteps` micro-batches, then NaN.
private final class NaNAfterStage: TrainingStage {
    let weight = Variable.parameter(Tensor([1, 2] as [Float]), name: "w")
    let goodSteps: Int
    private var calls = 0
    private(set) var valueAfterGoodSteps: [Float] = []

    init(goodSteps: Int) { self.goodSteps = goodSteps }

    var parameters: [(name: String, variable: Variable)] { [("w", weight)] }
    var dataPosition: String { String(calls) }
    func restore(dataPosition: String) throws { calls = Int(dataPosition) ?? 0 }

    func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch {
        calls += 1
        if calls == goodSteps + 1 { valueAfterGoodSteps = weight.value.toArray(Float.self) }
        let loss = weight.sum().pow(2)
        return MicroBatch(loss: calls > goodSteps ? loss * Double.nan : loss)
    }
}
