import XCTest
@testable import CalmData

final class ShardReaderTests: XCTestCase {
    var folder = ""
    var shards: ShardSet!

    override func setUpWithError() throws {
        folder = try makeShardTestFolder()
        shards = try writeSyntheticShards(counts: [7, 5, 9, 4], to: folder)
    }

    override func tearDownWithError() throws {
        shards = nil
        try FileManager.default.removeItem(atPath: folder)
    }

    /// An output that shows both which record came and what its own generator drew.
    struct Item: Equatable {
        let id: String
        let label: Float
        let draw: UInt64
    }

    func makeReader(workers: Int = 2, epochs: Int? = nil, from position: ShardReaderPosition? = nil) throws -> ShardReader<Item> {
        let options = ShardReader<Item>.Options(batchSize: 4, seed: 42, shuffleBuffer: 6, workers: workers, prefetchBatches: 3, epochs: epochs)
        return try ShardReader(shards: shards, options: options, resumingFrom: position) { sample, random in
            Item(id: sample.id, label: sample.label![0], draw: random.next())
        }
    }

    func read(_ reader: ShardReader<Item>, batches: Int) throws -> [[Item]] {
        try (0..<batches).map { _ in try XCTUnwrap(reader.next()) }
    }

    func testOutputDoesNotDependOnWorkerCount() throws {
        let one = try read(makeReader(workers: 1), batches: 14)
        XCTAssertEqual(one, try read(makeReader(workers: 2), batches: 14))
        XCTAssertEqual(one, try read(makeReader(workers: 3), batches: 14))
    }

    func testEachEpochVisitsEveryRecordOnceInANewOrder() throws {
        let items = try read(makeReader(), batches: 25).flatMap { $0 }  // 100 records: four epochs of 25
        let epochs = stride(from: 0, to: 100, by: 25).map { Array(items[$0..<$0 + 25]) }
        let everyID = Set(shards.manifest.shards.indices.flatMap { shard in (0..<shards.counts[shard]).map { "s\(shard)-\($0)" } })
        for epoch in epochs { XCTAssertEqual(Set(epoch.map(\.id)), everyID) }
        XCTAssertNotEqual(epochs[0].map(\.id), epochs[1].map(\.id))
        XCTAssertTrue(items.allSatisfy { "s\(Int($0.label) / 1000)-\(Int($0.label) % 1000)" == $0.id }, "labels travel with their records")
    }

    func testRestoredReaderContinuesExactly() throws {
        // Stop points in epoch 0, just past its end (7 batches = 28 records: epoch 1, cursor 3), and later.
        for k in [1, 6, 7, 13] {
            let uninterrupted = try makeReader()
            _ = try read(uninterrupted, batches: k)
            let saved = try JSONDecoder().decode(ShardReaderPosition.self, from: JSONEncoder().encode(uninterrupted.position))
            let expected = try read(uninterrupted, batches: 8)
            let resumed = try makeReader(workers: 1, from: saved)
            XCTAssertEqual(try read(resumed, batches: 8), expected, "resumed after \(k) batches")
        }
    }

    func testFiniteEpochsEndWithAShortBatch() throws {
        let reader = try makeReader(epochs: 2)
        var sizes: [Int] = []
        while let batch = try reader.next() { sizes.append(batch.count) }
        XCTAssertEqual(sizes, Array(repeating: 4, count: 12) + [2])
        XCTAssertEqual(reader.position.epoch, 2)
        XCTAssertNil(try reader.next())
    }

    func testMismatchedPositionIsRejected() throws {
        var position = try makeReader().position
        position.seed = 43
        XCTAssertThrowsError(try makeReader(from: position)) { XCTAssertTrue("\($0)".contains("seed 43")) }
        position.seed = 42
        position.dataFingerprint = "other"
        XCTAssertThrowsError(try makeReader(from: position)) { XCTAssertTrue("\($0)".contains("different shards")) }
    }

    func testFailingTransformNamesTheRecord() throws {
        struct Broken: Error {}
        let reader = try ShardReader<Int>(shards: shards, options: .init(batchSize: 3, seed: 1, shuffleBuffer: 0, workers: 2)) { sample, _ in
            if sample.id == "s2-4" { throw Broken() }
            return sample.row
        }
        var thrown: Error?
        while thrown == nil {
            do { _ = try reader.next() } catch { thrown = error }
        }
        let error = try XCTUnwrap(thrown as? ShardError)
        XCTAssertEqual(error.location, folder + "/shard-000002.h5#4")
        XCTAssertThrowsError(try reader.next(), "the failing batch is not skipped")
    }
}
