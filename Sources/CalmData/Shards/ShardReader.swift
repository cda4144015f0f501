import Foundation

/// Where a `ShardReader` stands: enough to resume it exactly. Small and Codable, for checkpoints.
public struct ShardReaderPosition: Codable, Equatable, Sendable {
    /// The epoch of the next record to be yielded.
    public var epoch: Int
    /// Records of that epoch already yielded.
    public var cursor: Int
    /// The shuffle settings the order was derived from; a restore must use the same.
    public var seed: UInt64
    public var shuffleBuffer: Int
    /// SHA-256 over the shards' checksums: the position is only meaningful for the same data.
    public var dataFingerprint: String
}

/// Streams batches of transformed records from a shard set, deterministically.
///
/// The record order of each epoch is `ShardSampleOrder(seed, epoch)`; epochs follow one another
/// and batches are consecutive slices of that endless stream (a batch may span two epochs).
/// Worker threads read, decode and transform records ahead of the consumer; the transform gets
/// a generator seeded from (seed, epoch, record index within the epoch), so the output is the
/// same whatever the number of workers, and a reader restored from `position` continues with
/// exactly the records an uninterrupted one would have yielded.
public final class ShardReader<Output> {
    public struct Options: Sendable {
        public var batchSize: Int
        public var seed: UInt64
        /// Records in the shuffle buffer (0 or 1: shard order shuffled only).
        public var shuffleBuffer: Int
        /// Background threads that read and transform records (at least 1).
        public var workers: Int
        /// How many batches the workers may run ahead of the consumer.
        public var prefetchBatches: Int
        /// Stop after this many epochs (nil: never stop).
        public var epochs: Int?

        public init(batchSize: Int, seed: UInt64 = 0, shuffleBuffer: Int = 1024, workers: Int = 2,
                    prefetchBatches: Int = 4, epochs: Int? = nil) {
            self.batchSize = batchSize
            self.seed = seed
            self.shuffleBuffer = shuffleBuffer
            self.workers = workers
            self.prefetchBatches = prefetchBatches
            self.epochs = epochs
        }
    }

    /// Turns a record into a training example; `random` is the record's own deterministic generator.
    public typealias Transform = (_ sample: ShardSample, _ random: inout SplitMix64) throws -> Output

    private let pipeline: ReaderPipeline<Output>
    private let fingerprint: String

    /// Starts reading `shards` at the beginning, or at `position` when resuming.
    public init(shards: ShardSet, options: Options, resumingFrom position: ShardReaderPosition? = nil,
                transform: @escaping Transform) throws {
        guard options.batchSize > 0, options.workers > 0, options.prefetchBatches > 0 else {
            throw ShardError(shards.folder, "batch size, workers and prefetch batches must be positive")
        }
        var digest = SHA256()
        for shard in shards.manifest.shards { digest.update(Array(shard.sha256.utf8)) }
        fingerprint = digest.hexDigest()
        var start = 0
        if let position {
            guard position.seed == options.seed, position.shuffleBuffer == options.shuffleBuffer else {
                throw ShardError(shards.folder, "position was taken with seed \(position.seed) and shuffle buffer \(position.shuffleBuffer), "
                    + "the reader has \(options.seed) and \(options.shuffleBuffer)")
            }
            guard position.dataFingerprint == fingerprint else {
                throw ShardError(shards.folder, "position belongs to different shards (fingerprint mismatch)")
            }
            guard position.epoch >= 0, (0..<shards.manifest.imageCount).contains(position.cursor) else {
                throw ShardError(shards.folder, "position epoch \(position.epoch), cursor \(position.cursor) is out of range")
            }
            start = position.epoch * shards.manifest.imageCount + position.cursor
        }
        pipeline = ReaderPipeline(shards: shards, options: options, start: start, transform: transform)
    }

    deinit { pipeline.stop() }

    /// The position of the next batch.
    public var position: ShardReaderPosition {
        let (epoch, cursor) = pipeline.consumed.quotientAndRemainder(dividingBy: pipeline.epochLength)
        return ShardReaderPosition(epoch: epoch, cursor: cursor, seed: pipeline.options.seed,
                                   shuffleBuffer: pipeline.options.shuffleBuffer, dataFingerprint: fingerprint)
    }

    /// The next batch, or nil once `epochs` are done (the last batch may be short).
    /// A record that fails to read or transform throws a `ShardError` naming it; the position stays put.
    public func next() throws -> [Output]? {
        try pipeline.takeBatch()
    }
}

/// The worker threads and the reorder buffer behind `ShardReader`.
private final class ReaderPipeline<Output>: @unchecked Sendable {
    let shards: ShardSet
    let options: ShardReader<Output>.Options
    let transform: ShardReader<Output>.Transform
    let epochLength: Int
    /// One past the last record index of the stream (nil: endless).
    let end: Int?

    private let condition = NSCondition()
    /// Stream index of the next record to hand to the consumer (guarded by `condition`).
    private var nextIndex: Int
    private var nextClaim: Int
    private var results: [Int: Result<Output, Error>] = [:]
    private var orders: [Int: ShardSampleOrder] = [:]
    private var stopped = false
    private let running = DispatchGroup()

    init(shards: ShardSet, options: ShardReader<Output>.Options, start: Int, transform: @escaping ShardReader<Output>.Transform) {
        self.shards = shards
        self.options = options
        self.transform = transform
        epochLength = shards.manifest.imageCount
        end = options.epochs.map { $0 * shards.manifest.imageCount }
        nextIndex = start
        nextClaim = start
        for _ in 0..<options.workers {
            running.enter()
            let thread = Thread { [self] in
                work()
                running.leave()
            }
            thread.name = "calm.shard-reader"
            thread.start()
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        running.wait()
    }

    /// Records handed to the consumer so far (as a stream index).
    var consumed: Int {
        condition.lock()
        defer { condition.unlock() }
        return nextIndex
    }

    func takeBatch() throws -> [Output]? {
        condition.lock()
        defer { condition.unlock() }
        let upper = min(nextIndex + options.batchSize, end ?? Int.max)
        guard upper > nextIndex else { return nil }
        while (nextIndex..<upper).contains(where: { results[$0] == nil }) { condition.wait() }
        let batch = try (nextIndex..<upper).map { try results[$0]!.get() }
        for index in nextIndex..<upper { results[index] = nil }
        nextIndex = upper
        let currentEpoch = nextIndex / epochLength
        orders = orders.filter { $0.key >= currentEpoch }
        condition.broadcast()
        return batch
    }

    /// Claims the next record index, reads and transforms it, files the result; until stopped.
    private func work() {
        let window = options.prefetchBatches * options.batchSize
        condition.lock()
        while true {
            while !stopped && (nextClaim >= nextIndex + window || nextClaim >= (end ?? Int.max)) { condition.wait() }
            if stopped { break }
            let index = nextClaim
            nextClaim += 1
            let (epoch, cursor) = index.quotientAndRemainder(dividingBy: epochLength)
            let reference = order(epoch).references[cursor]
            condition.unlock()

            let result = Result { () throws -> Output in
                let (shard, row) = (Int(reference.shard), Int(reference.row))
                do {
                    var random = SplitMix64(keys: options.seed, UInt64(epoch), UInt64(cursor), 2)
                    return try transform(try shards.sample(shard: shard, row: row), &random)
                } catch let error as ShardError {
                    throw error
                } catch {
                    throw ShardError("\(shards.path(ofShard: shard))#\(row)", "\(error)")
                }
            }

            condition.lock()
            results[index] = result
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The record order of `epoch`, computed once (call with `condition` held).
    private func order(_ epoch: Int) -> ShardSampleOrder {
        if let order = orders[epoch] { return order }
        let order = ShardSampleOrder(counts: shards.counts, seed: options.seed, epoch: epoch, bufferSize: options.shuffleBuffer)
        orders[epoch] = order
        return order
    }
}
