/// The order in which one epoch visits the records of a shard set: a pure function of
/// (seed, epoch, per-shard counts, shuffle-buffer size), so any position can be recomputed.
///
/// Shards are visited in a seeded random order and their records streamed through a shuffle
/// buffer of `bufferSize` records: once full, each arriving record replaces a randomly chosen
/// one, which is emitted; the buffer is drained in random order at the end.
public struct ShardSampleOrder: Equatable, Sendable {
    /// A record's address.
    public struct Reference: Equatable, Hashable, Sendable {
        public var shard: Int32
        public var row: Int32
    }

    public let references: [Reference]

    public init(counts: [Int], seed: UInt64, epoch: Int, bufferSize: Int) {
        var shardRandom = SplitMix64(keys: seed, UInt64(epoch), 0)
        var shardOrder = Array(counts.indices)
        shardRandom.shuffle(&shardOrder)

        var random = SplitMix64(keys: seed, UInt64(epoch), 1)
        var out: [Reference] = []
        out.reserveCapacity(counts.reduce(0, +))
        var buffer: [Reference] = []
        buffer.reserveCapacity(max(bufferSize, 1))
        for shard in shardOrder {
            for row in 0..<counts[shard] {
                let incoming = Reference(shard: Int32(shard), row: Int32(row))
                if buffer.count < bufferSize {
                    buffer.append(incoming)
                } else if bufferSize > 0 {
                    let slot = random.below(bufferSize)
                    out.append(buffer[slot])
                    buffer[slot] = incoming
                } else {
                    out.append(incoming)
                }
            }
        }
        while !buffer.isEmpty {
            buffer.swapAt(random.below(buffer.count), buffer.count - 1)
            out.append(buffer.removeLast())
        }
        references = out
    }
}
