import CalmModels
import CalmTensor
import XCTest
@testable import CalmTraining

/// Exact resume on the real calm-tiny (11.9 M parameters), a few steps so it stays fast in debug.
final class CalmTinyResumeTests: XCTestCase {
    func testCalmTinyStopAndResumeIsBitIdentical() throws {
        let losses = try checkStopAndResume(shardsPerStep: 1)
        XCTAssertLessThan(losses[3]!, losses[1]!, "calm-tiny learns the answer token")
    }

    /// Each micro-batch cut into two shards trained concurrently: the run is deterministic and
    /// resumes exactly, and its first loss is the unsharded run's (same weights, same batch).
    func testCalmTinyTwoShardsStopAndResumeIsBitIdentical() throws {
        let sharded = try checkStopAndResume(shardsPerStep: 2), whole = try checkStopAndResume(shardsPerStep: 1)
        XCTAssertEqual(sharded[1]!, whole[1]!, accuracy: 1e-5 * abs(whole[1]!))
        XCTAssertEqual(sharded[3]!, whole[3]!, accuracy: 1e-3 * abs(whole[3]!), "the same training up to float rounding")
    }

    /// Trains 3 steps straight, and 1 step, a stop and a resume to 3; both must log the same
    /// losses and end with the same weights and moments, bit for bit. Returns the losses by step.
    private func checkStopAndResume(shardsPerStep: Int) throws -> [Int: Double] {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/shards", withIntermediateDirectories: true)
        try writeProbeShards(count: 8, to: folder + "/shards")
        let overrides = ["train.max_steps=3", "schedule.warmup_steps=1", "checkpoint.every=10", "optimizer.lr=1.0e-3",
                         "train.shards_per_step=\(shardsPerStep)"]

        let straight = try probeRecipe(shards: folder + "/shards", runDirectory: folder + "/straight", overrides)
        let (uninterrupted, _) = try quietTrainer(straight, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        guard case .finished(let straightFinal) = try uninterrupted.run(resume: false) else { XCTFail("did not finish"); return [:] }

        let recipe = try probeRecipe(shards: folder + "/shards", runDirectory: folder + "/resumed", overrides)
        let (first, _) = try quietTrainer(recipe, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        var boundaries = 0
        first.stopRequested = { boundaries += 1; return boundaries > 1 ? SIGTERM : nil }
        guard case .stopped(atStep: 1, _) = try first.run(resume: false) else { XCTFail("did not stop at step 1"); return [:] }
        let (second, _) = try quietTrainer(recipe, stage: CalmTinyStage(shards: folder + "/shards", batchSize: 2))
        guard case .finished(let resumedFinal) = try second.run(resume: true) else { XCTFail("did not finish"); return [:] }

        let losses = try loggedLosses(folder + "/straight")
        XCTAssertEqual(losses.keys.sorted(), [1, 2, 3])
        XCTAssertEqual(try loggedLosses(folder + "/resumed"), losses, "\(shardsPerStep) shard(s)")
        let a = try TrainingCheckpoint.read(from: straightFinal), b = try TrainingCheckpoint.read(from: resumedFinal)
        XCTAssertEqual(a.parameters.count, CalmModel(.tiny, initializer: .zeros).parameters().count)
        XCTAssertEqual(a.parameters.reduce(0) { $0 + $1.value.count }, 11_924_736)
        XCTAssertTrue(a.parameters.contains { $0.name == "vision.blocks.0.attn.qkv.weight" && $0.value.shape == [576, 192] })
        XCTAssertEqual(a.generators.count, 6, "one dropout generator per vision block")
        XCTAssertEqual(a.generators, b.generators)
        for (x, y) in zip(a.parameters, b.parameters) {
            XCTAssertTrue(x.value.toArray(Float.self) == y.value.toArray(Float.self), "\(x.name), \(shardsPerStep) shard(s)")
        }
        for (name, moment) in a.moments { XCTAssertTrue(moment.v.toArray(Float.self) == b.moments[name]?.v.toArray(Float.self), name) }
        return losses
    }
}
