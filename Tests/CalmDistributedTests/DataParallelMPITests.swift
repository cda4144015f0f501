import CalmData
import Foundation
import XCTest
@testable import CalmDistributed

/// Data parallelism across real MPI processes against one process reading the same global batches.
final class DataParallelMPITests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "calm-mpi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = try SyntheticData.write(count: 20, to: folder)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: folder)
    }

    func job(batchPerRank: Int, steps: Int, epochs: Int? = nil, resumeFrom: String? = nil, checkpointTo: String? = nil) -> TrainingJob {
        TrainingJob(shards: folder, batchPerRank: batchPerRank, steps: steps, epochs: epochs,
                    resumeFrom: resumeFrom, checkpointTo: checkpointTo, results: folder)
    }

    /// Float32 reductions in a different order: agreement to a few ulps per step.
    func assertSameTraining(_ result: TrainingResult, _ reference: TrainingResult, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.losses.count, reference.losses.count, what, file: file, line: line)
        for (a, b) in zip(result.losses, reference.losses) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(what): loss", file: file, line: line) }
        let weightError = zip(result.weights.joined(), reference.weights.joined()).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(weightError, 1e-5, "\(what): largest weight difference", file: file, line: line)
    }

    /// 2 ranks × batch 3 == 1 process × batch 6, over 5 steps that cross an epoch boundary.
    func testTwoRanksTrainLikeOneProcessWithTheGlobalBatch() throws {
        let reference = try runTraining(job(batchPerRank: 6, steps: 5), on: SingleProcess())
        let ranks = try MPIJob.run(job(batchPerRank: 3, steps: 5), ranks: 2)
        XCTAssertEqual(ranks[0].weights, ranks[1].weights, "replicas diverged")
        XCTAssertEqual(ranks[0].losses, ranks[1].losses, "ranks disagree on the global loss")
        assertSameTraining(ranks[0], reference, "2 ranks vs 1 process")
        XCTAssertLessThan(reference.losses.last!, reference.losses.first!, "the model does not learn")
    }

    /// One epoch of 20 records in global batches of 6 (6, 6, 6, 2): two steps on 2 ranks,
    /// a checkpoint, the rest on 3 ranks (the last batch splits 1, 1, 0) == 4 steps in one process.
    func testResumeWithADifferentNumberOfRanks() throws {
        let reference = try runTraining(job(batchPerRank: 6, steps: 10, epochs: 1), on: SingleProcess())
        XCTAssertEqual(reference.losses.count, 4)
        let checkpoint = folder + "/checkpoint.json"
        let first = try MPIJob.run(job(batchPerRank: 3, steps: 2, epochs: 1, checkpointTo: checkpoint), ranks: 2)
        let rest = try MPIJob.run(job(batchPerRank: 2, steps: 10, epochs: 1, resumeFrom: checkpoint), ranks: 3)
        XCTAssertEqual(Set(rest.map { $0.weights }).count, 1, "replicas diverged")
        let resumed = TrainingResult(losses: first[0].losses + rest[0].losses, weights: rest[0].weights)
        assertSameTraining(resumed, reference, "2 then 3 ranks vs 1 process")
    }
}
