import CalmAutograd
import CalmData
import CalmTensor
import XCTest
@testable import CalmDistributed

/// The parts of data parallelism that need no second process.
final class DataParallelUnitTests: XCTestCase {
    func testBucketPlans() {
        struct Case {
            let name: String
            let shapes: [[Int]]
            let dtypes: [DType]
            let bucketBytes: Int
            /// Parameter indices per bucket, in send order.
            let expected: [[Int]]
        }
        let f32 = DType.float32, f64 = DType.float64
        let cases = [
            Case(name: "all fit one bucket, reverse order", shapes: [[2, 3], [3], [4]], dtypes: [f32, f32, f32], bucketBytes: 1024, expected: [[2, 1, 0]]),
            Case(name: "split at the byte limit", shapes: [[4], [4], [4]], dtypes: [f32, f32, f32], bucketBytes: 32, expected: [[2, 1], [0]]),
            Case(name: "oversized parameter alone", shapes: [[2], [100], [2]], dtypes: [f32, f32, f32], bucketBytes: 16, expected: [[2], [1], [0]]),
            Case(name: "one dtype per bucket", shapes: [[2], [2], [2]], dtypes: [f32, f64, f32], bucketBytes: 1024, expected: [[2], [1], [0]]),
            Case(name: "no parameters", shapes: [], dtypes: [], bucketBytes: 64, expected: []),
        ]
        for c in cases {
            let plan = GradientBucketPlan(shapes: c.shapes, dtypes: c.dtypes, bucketBytes: c.bucketBytes)
            XCTAssertEqual(plan.buckets.map { $0.slots.map(\.parameter) }, c.expected, c.name)
            for bucket in plan.buckets {
                XCTAssertEqual(bucket.slots.map(\.offset), bucket.slots.indices.map { i in bucket.slots[..<i].reduce(0) { $0 + $1.count } }, c.name)
                XCTAssertTrue(bucket.slots.allSatisfy { c.dtypes[$0.parameter] == bucket.dtype && $0.count == c.shapes[$0.parameter].reduce(1, *) }, c.name)
            }
        }
    }

    /// Buckets completed out of order still go out in plan order; buckets backward never
    /// completes go out at `finish`; after the first failed allreduce the rest are skipped.
    func testBucketSenderKeepsPlanOrder() {
        // Parameters 3, 2 | 1 | 0 (reverse order, 8 bytes per bucket).
        let plan = GradientBucketPlan(shapes: [[2], [2], [1], [1]], dtypes: Array(repeating: .float32, count: 4), bucketBytes: 8)
        XCTAssertEqual(plan.buckets.map { $0.slots.map(\.parameter) }, [[3, 2], [1], [0]])
        let queue = DispatchQueue(label: "test.allreduce")
        var packed: [Int] = [], reduced: [Int] = []
        struct Failure: Error {}
        func sender(failing: Int? = nil) -> BucketSender {
            BucketSender(plan: plan, communication: queue) { index in
                packed.append(index)
                return {
                    reduced.append(index)
                    if index == failing { throw Failure() }
                }
            }
        }

        var ordered = sender()
        ordered.parameterFinal(inBucket: 2)
        ordered.parameterFinal(inBucket: 0)
        XCTAssertEqual(packed, [], "bucket 0 still waits for a parameter")
        ordered.parameterFinal(inBucket: 0)
        XCTAssertEqual(packed, [0])
        XCTAssertNoThrow(try ordered.finish())
        XCTAssertEqual(packed, [0, 1, 2])
        XCTAssertEqual(reduced, [0, 1, 2])

        (packed, reduced) = ([], [])
        var failing = sender(failing: 1)
        XCTAssertThrowsError(try failing.finish()) { XCTAssertTrue($0 is Failure) }
        XCTAssertEqual(reduced, [0, 1], "allreduces after a failure must be skipped")
    }

    func testBatchSharesTileTheBatchInOrder() {
        for ranks in 1...5 {
            for count in 0...13 {
                let shares = (0..<ranks).map { BatchShare($0, of: ranks).range(count: count) }
                XCTAssertEqual(shares.flatMap { Array($0) }, Array(0..<count), "\(ranks) ranks, \(count) samples")
                XCTAssertLessThanOrEqual(shares.map(\.count).max()! - shares.map(\.count).min()!, 1, "\(ranks) ranks, \(count) samples")
            }
        }
        XCTAssertEqual(BatchShare(2, of: 3).range(count: 2), 2..<2, "the last rank of a short batch may get nothing")
    }

    /// Readers of every share of batches of 6, over two epochs of 20 records (the last batch
    /// short), yield together exactly the whole reader's batches, and resume from its position.
    func testShardReaderSharesReadTheWholeBatchesTogether() throws {
        let folder = NSTemporaryDirectory() + "calm-shares-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let shards = try SyntheticData.write(count: 20, to: folder)
        func reader(_ share: BatchShare, from position: ShardReaderPosition? = nil) throws -> ShardReader<String> {
            let options = ShardReader<String>.Options(batchSize: 6, seed: 9, shuffleBuffer: 4, workers: 2, epochs: 2, share: share)
            return try ShardReader(shards: shards, options: options, resumingFrom: position) { sample, random in "\(sample.id)/\(random.next())" }
        }
        func drain(_ reader: ShardReader<String>) throws -> [[String]] {
            var batches: [[String]] = []
            while let batch = try reader.next() { batches.append(batch) }
            return batches
        }
        let whole = try reader(.whole)
        let firstTwo = [try XCTUnwrap(whole.next()), try XCTUnwrap(whole.next())]
        let position = whole.position
        let expected = firstTwo + (try drain(whole))
        XCTAssertEqual(expected.map(\.count), [6, 6, 6, 6, 6, 6, 4])
        for ranks in [2, 3] {
            let readers = try (0..<ranks).map { try reader(BatchShare($0, of: ranks)) }
            let counts = try readers.map { try XCTUnwrap($0.nextShare()).batchCount }
            XCTAssertEqual(counts, [Int](repeating: 6, count: ranks))
            let resumed = try (0..<ranks).map { try drain(reader(BatchShare($0, of: ranks), from: position)) }
            let joined = resumed[0].indices.map { batch in resumed.flatMap { $0[batch] } }
            XCTAssertEqual(joined, Array(expected.dropFirst(2)), "\(ranks) ranks resumed after 2 batches")
        }
        XCTAssertThrowsError(try reader(BatchShare(3, of: 3))) { XCTAssertTrue("\($0)".contains("share 3 of 3"), "\($0)") }
    }

    func testLauncherDetection() throws {
        XCTAssertNil(CommunicatorEnvironment.launchedSize([:]))
        XCTAssertEqual(CommunicatorEnvironment.launchedSize(["OMPI_COMM_WORLD_SIZE": "4"]), 4)
        XCTAssertEqual(CommunicatorEnvironment.launchedSize(["PMI_SIZE": "3"]), 3)
        XCTAssertNil(CommunicatorEnvironment.launchedSize(["OMPI_COMM_WORLD_SIZE": "many"]))
        XCTAssertTrue(try CommunicatorEnvironment.current([:]) is SingleProcess)
        XCTAssertEqual(CommunicatorEnvironment.localRanks([:]), 1)
        XCTAssertEqual(CommunicatorEnvironment.localRanks(["OMPI_COMM_WORLD_LOCAL_SIZE": "2"]), 2)
        XCTAssertEqual(CommunicatorEnvironment.localRanks(["MPI_LOCALNRANKS": "8"]), 8)
    }

    func testSingleProcessCollectivesAreIdentities() throws {
        let one = SingleProcess()
        XCTAssertEqual(try one.allreduceSum([1.5, -2]), [1.5, -2])
        var bytes: [UInt8] = [1, 2, 3]
        try bytes.withUnsafeMutableBytes { try one.broadcast($0, root: 0) }
        XCTAssertEqual(bytes, [1, 2, 3])
        XCTAssertThrowsError(try bytes.withUnsafeMutableBytes { try one.broadcast($0, root: 1) }) { error in
            XCTAssertTrue("\(error)".contains("rank 1"), "\(error)")
        }
    }

    /// In one process the share is the whole batch and gradients stay as they are.
    func testSingleProcessDataParallelIsTheIdentity() throws {
        let used = Variable.parameter(Tensor([1, 2, 3] as [Float]), name: "used")
        let unused = Variable.parameter(Tensor([4] as [Float]), name: "unused")
        (used * used).sum().backward()
        let parallel = DataParallel(parameters: [used, unused], communicator: SingleProcess())
        XCTAssertEqual(try parallel.share(of: 3), 1)
        XCTAssertEqual(try parallel.share(of: 0), 0)
        try parallel.sumGradients()
        XCTAssertEqual(used.grad?.toArray(Float.self), [2, 4, 6])
        XCTAssertNil(unused.grad)
        XCTAssertEqual(parallel.gradientBytes, 16)
    }

    /// Overlap is the default only where it pays: ranks spread over several machines.
    func testOverlapDefaultsToOnOnlyAcrossMachines() {
        let table: [([String: String], Bool)] = [
            ([:], false),
            (["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"], false),
            (["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"], true),
            (["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "CALM_OVERLAP": "1"], true),
            (["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "CALM_OVERLAP": "0"], false),
        ]
        for (environment, expected) in table {
            XCTAssertEqual(CommunicatorEnvironment.overlapsBackward(environment), expected, "\(environment)")
        }
    }
}
