import CalmData
import CalmModels
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

    func mlpRanks(_ ranks: Int, _ job: TrainingJob) throws -> [TrainingResult] {
        try MPIJob.run(job, in: folder, ranks: ranks, worker: "testMLPRank")
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
        let ranks = try mlpRanks(2, job(batchPerRank: 3, steps: 5))
        XCTAssertEqual(ranks[0].weights, ranks[1].weights, "replicas diverged")
        XCTAssertEqual(ranks[0].losses, ranks[1].losses, "ranks disagree on the global loss")
        assertSameTraining(ranks[0], reference, "2 ranks vs 1 process")
        XCTAssertLessThan(reference.losses.last!, reference.losses.first!, "the model does not learn")
    }

    /// Overlapping the allreduce with backward changes when buckets are sent, not what is
    /// summed: the same gradients, bit for bit, at every step.
    func testOverlappedGradientSumIsBitIdenticalToTheSequentialOne() throws {
        var sequential = job(batchPerRank: 3, steps: 4)
        sequential.overlap = false
        let plain = try mlpRanks(2, sequential)
        let overlapped = try mlpRanks(2, job(batchPerRank: 3, steps: 4))
        XCTAssertEqual(plain.map(\.overlapped), [false, false])
        XCTAssertEqual(overlapped.map(\.overlapped), [true, true], "MPI granted no thread support: overlap not tested")
        for rank in 0..<2 {
            XCTAssertEqual(overlapped[rank].gradients.count, 4)
            XCTAssertEqual(overlapped[rank].gradients, plain[rank].gradients, "rank \(rank): summed gradients differ")
            XCTAssertEqual(overlapped[rank].weights, plain[rank].weights, "rank \(rank): weights differ")
        }
    }

    /// One epoch of 20 records in global batches of 6 (6, 6, 6, 2): two steps on 2 ranks,
    /// a checkpoint, the rest on 3 ranks (the last batch splits 1, 1, 0) == 4 steps in one process.
    func testResumeWithADifferentNumberOfRanks() throws {
        let reference = try runTraining(job(batchPerRank: 6, steps: 10, epochs: 1), on: SingleProcess())
        XCTAssertEqual(reference.losses.count, 4)
        let checkpoint = folder + "/checkpoint.json"
        let first = try mlpRanks(2, job(batchPerRank: 3, steps: 2, epochs: 1, checkpointTo: checkpoint))
        let rest = try mlpRanks(3, job(batchPerRank: 2, steps: 10, epochs: 1, resumeFrom: checkpoint))
        XCTAssertEqual(Set(rest.map { $0.weights }).count, 1, "replicas diverged")
        let resumed = TrainingResult(losses: first[0].losses + rest[0].losses, weights: rest[0].weights)
        assertSameTraining(resumed, reference, "2 then 3 ranks vs 1 process")
    }

    /// A rank that fails ends the whole job instead of leaving the others blocked.
    func testAFailingRankAbortsTheJob() throws {
        let started = Date()
        let jobFile = folder + "/abort.json"
        try JSONEncoder().encode("abort").write(to: URL(fileURLWithPath: jobFile))
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        XCTAssertThrowsError(try MPIJob.launch(ranks: 2, [testBinary, "CalmDistributedTests.MPIRankWorker/testAbortRank"],
                                               environment: [MPIJob.jobVariable: jobFile], timeout: 60)) { error in
            // The job ends with the aborting rank's code; Open MPI's MPI_ABORT banner is not always
            // printed (its help system can fail under load), so the code is what is checked.
            XCTAssertTrue("\(error)".contains("exited with 3"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 50, "the job was killed by the watchdog, not aborted")
    }

    /// calm-tiny with AdamW: 2 ranks × 1 sample == 1 process × 2 samples, weighting each rank
    /// by its answer tokens (the samples' answers differ in length).
    func testCalmTinyOnTwoRanksMatchesOneProcess() throws {
        let steps = 3
        let reference = try runCalmTiny(CalmTinyJob(folder: folder, batchPerRank: 2, steps: steps), on: SingleProcess())
        let ranks: [CalmTinyResult] = try MPIJob.run(CalmTinyJob(folder: folder, batchPerRank: 1, steps: steps), in: folder,
                                                     ranks: 2, worker: "testCalmTinyRank")
        XCTAssertEqual(ranks[0].losses, ranks[1].losses, "ranks disagree on the global loss")
        for (a, b) in zip(ranks[0].losses, reference.losses) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "loss") }
        let weights = try [reference.weightsFile, ranks[0].weightsFile, ranks[1].weightsFile].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        XCTAssertEqual(weights[1], weights[2], "replicas diverged")
        let single = weights[0].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let parallel = weights[1].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(single.count, 11_924_736, "calm-tiny's parameter count")
        let differences = zip(single, parallel).map { abs($0 - $1) }
        XCTAssertLessThan(differences.max()!, 1e-5, "largest weight difference; \(differences.filter { $0 > 1e-6 }.count) above 1e-6")
        let initial = CalmModel(CalmTinyData.config, seed: 7).parameters().flatMap { $0.variable.value.toArray(Float.self) }
        XCTAssertGreaterThan(zip(initial, single).map { abs($0 - $1) }.max()!, 5e-4, "the optimizer moved nothing")
    }
}
