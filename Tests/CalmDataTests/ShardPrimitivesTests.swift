import XCTest
@testable import CalmData

/// Checksums and generators against published reference values; the sample order's invariants.
final class ShardPrimitivesTests: XCTestCase {
    func testSHA256MatchesReferenceDigests() {
        // FIPS 180-4 examples, and Python's hashlib for a 1000-byte message fed in uneven pieces.
        let cases: [([UInt8], [Int], String)] = [
            ([], [], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Array("abc".utf8), [1], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8), [],
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ((0..<1000).map { UInt8($0 * 7 % 256) }, [63, 64, 65, 700],
             "89f4ff56a25dd1db06a4ce6033603775d705fb96f30f8693733fef602a1ca532"),
        ]
        for (message, cuts, expected) in cases {
            var hasher = SHA256()
            var start = 0
            for cut in cuts + [message.count] where cut >= start {
                hasher.update(message[start..<cut])
                start = cut
            }
            XCTAssertEqual(hasher.hexDigest(), expected, "\(message.count)-byte message")
        }
    }

    func testSplitMix64MatchesReferenceOutputs() {
        var random = SplitMix64(seed: 0)  // Vigna's splitmix64.c, seed 0
        XCTAssertEqual((0..<3).map { _ in random.next() }, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var bounded = SplitMix64(seed: 7)
        let draws = (0..<6000).map { _ in bounded.below(6) }
        XCTAssertEqual(Set(draws), Set(0..<6))
        XCTAssertTrue((0..<6).allSatisfy { face in (850...1150).contains(draws.filter { $0 == face }.count) })
    }

    func testOrderIsAPermutationThatDependsOnSeedAndEpoch() {
        let counts = [5, 3, 7, 1]
        let all = Set(counts.enumerated().flatMap { shard, count in (0..<count).map { ShardSampleOrder.Reference(shard: Int32(shard), row: Int32($0)) } })
        let order = ShardSampleOrder(counts: counts, seed: 11, epoch: 0, bufferSize: 4)
        XCTAssertEqual(order.references.count, all.count)
        XCTAssertEqual(Set(order.references), all)
        XCTAssertEqual(order, ShardSampleOrder(counts: counts, seed: 11, epoch: 0, bufferSize: 4))
        XCTAssertNotEqual(order, ShardSampleOrder(counts: counts, seed: 11, epoch: 1, bufferSize: 4))
        XCTAssertNotEqual(order, ShardSampleOrder(counts: counts, seed: 12, epoch: 0, bufferSize: 4))
        // Without a buffer each shard is read front to back, shards in shuffled order.
        let unbuffered = ShardSampleOrder(counts: counts, seed: 11, epoch: 0, bufferSize: 0).references
        for shard in counts.indices {
            XCTAssertEqual(unbuffered.filter { $0.shard == shard }.map(\.row), (0..<Int32(counts[shard])).map { $0 })
        }
        XCTAssertEqual(Set(unbuffered.map(\.shard)).count, counts.count)
    }
}
