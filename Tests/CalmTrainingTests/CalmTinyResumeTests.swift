import CalmModels
import CalmTensor
import XCTest
@testable import CalmTraining

/// Exact resume on the real calm-tiny (11.9 M parameters), a few steps so it stays fast in debug.
final class CalmTinyResumeTests: XCTestCase {
    func testCalmTinyStopAndResumeIsBitIdentical() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/shards", withIntermediateDirectories: true)
        try writeProbeShards(count: 8, to: folder + "/shards")
        let overrides = ["train.max_steps=3", "schedule.warmup_steps=1", "checkpoint.every=10", "optimizer.lr=1.0e-3"]

        let straight = try probeRecipe(shards: folder + "/shards", runDirectory: folder + "/straight", overrides)
        let (uninterrupted, _) = try quietTrainer(straight, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        guard case .finished(let straightFinal) = try uninterrupted.run(resume: false) else { return XCTFail("did not finish") }

        let recipe = try probeRecipe(shards: folder + "/shards", runDirectory: folder + "/resumed", overrides)
        let (first, _) = try quietTrainer(recipe, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        var boundaries = 0
        first.stopRequested = { boundaries += 1; return boundaries > 1 ? SIGTERM : nil }
        guard case .stopped(atStep: 1, _) = try first.run(resume: false) else { return XCTFail("did not stop at step 1") }
        let (second, _) = try quietTrainer(recipe, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        guard case .finished(let resumedFinal) = try second.run(resume: true) else { return XCTFail("did not finish") }

        let losses = try loggedLosses(folder + "/straight")
        XCTAssertEqual(losses.keys.sorted(), [1, 2, 3])
        XCTAssertEqual(try loggedLosses(folder + "/resumed"), losses)
        XCTAssertLessThan(losses[3]!, losses[1]!, "calm-tiny learns the answer token")
        let a = try TrainingCheckpoint.read(from: straightFinal), b = try TrainingCheckpoint.read(from: resumedFinal)
        XCTAssertEqual(a.parameters.count, CalmModel(.tiny, initializer: .zeros).parameters().count)
        XCTAssertEqual(a.parameters.reduce(0) { $0 + $1.value.count }, 11_924_736)
        XCTAssertTrue(a.parameters.contains { $0.name == "vision.blocks.0.attn.qkv.weight" && $0.value.shape == [576, 192] })
        XCTAssertEqual(a.generators.count, 6, "one dropout generator per vision block")
        XCTAssertEqual(a.generators, b.generators)
        for (x, y) in zip(a.parameters, b.parameters) {
            XCTAssertTrue(x.value.toArray(Float.self) == y.value.toArray(Float.self), x.name)
        }
        for (name, moment) in a.moments { XCTAssertTrue(moment.v.toArray(Float.self) == b.moments[name]?.v.toArray(Float.self), name) }
    }
}
