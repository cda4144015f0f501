import CalmData

/// A `ShardReader` for one rank: the global stream of batches of ranks × batchSize records is
/// the one a single process with that batch size reads, and each rank transforms (decodes,
/// augments) only its `BatchPartition` share of every global batch.
///
/// The position is the global stream position, so a checkpoint written by rank 0 restores
/// any number of ranks. Each record keeps the generator the single-process reader would have
/// given it, so augmentations agree too. Every rank reads the raw records of the whole batch
/// (cheap next to decoding them); only its share is transformed.
public final class DataParallelShardReader<Output> {
    /// A record as read, with the generator its transform would have received.
    struct Pending {
        let sample: ShardSample
        let random: SplitMix64
    }

    public let rank: Int
    public let ranks: Int
    private let shards: ShardSet
    private let reader: ShardReader<Pending>
    private let transform: ShardReader<Output>.Transform

    /// `options.batchSize` is per rank; the global batch is `ranks` times larger.
    public init(shards: ShardSet, options: ShardReader<Output>.Options, rank: Int, ranks: Int,
                resumingFrom position: ShardReaderPosition? = nil,
                transform: @escaping ShardReader<Output>.Transform) throws {
        guard ranks > 0, (0..<ranks).contains(rank) else {
            throw DistributedError("rank \(rank) is not one of \(ranks) ranks")
        }
        self.rank = rank
        self.ranks = ranks
        self.shards = shards
        self.transform = transform
        let global = ShardReader<Pending>.Options(batchSize: options.batchSize * ranks, seed: options.seed,
                                                  shuffleBuffer: options.shuffleBuffer, workers: options.workers,
                                                  prefetchBatches: options.prefetchBatches, epochs: options.epochs)
        reader = try ShardReader(shards: shards, options: global, resumingFrom: position) { sample, random in
            Pending(sample: sample, random: random)
        }
    }

    /// The position of the next global batch (the same on every rank).
    public var position: ShardReaderPosition { reader.position }

    /// This rank's share of the next global batch and the global batch's size; nil once the
    /// epochs are done. A short last batch may leave a rank an empty share.
    public func next() throws -> (samples: [Output], globalCount: Int)? {
        guard let batch = try reader.next() else { return nil }
        let mine = try batch[BatchPartition.share(of: rank, ranks: ranks, count: batch.count)].map { pending in
            var random = pending.random
            do {
                return try transform(pending.sample, &random)
            } catch let error as ShardError {
                throw error
            } catch {
                throw ShardError("\(shards.path(ofShard: pending.sample.shard))#\(pending.sample.row)", "\(error)")
            }
        }
        return (mine, batch.count)
    }
}
