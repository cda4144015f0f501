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
        /// Read and yield only slice `index` of `count` (`BatchShare`) of every batch: for
        /// data-parallel ranks, which together read each batch once. The position stays that
        /// of the whole batches.
        public var share: BatchShare

        public init(batchSize: Int, seed: UInt64 = 0, shuffleBuffer: Int = 1024, workers: Int = 2,
                    prefetchBatches: Int = 4, epochs: Int? = nil, share: BatchShare = .whole) {
            self.batchSize = batchSize
            self.seed = seed
            self.shuffleBuffer = shuffleBuffer
            self.workers = workers
            self.prefetchBatches = prefetchBatches
            self.epochs = epochs
            self.share = share
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
        guard options.share.count > 0, (0..<options.share.count).contains(options.share.index) else {
            throw ShardError(shards.folder, "share \(options.share.index) of \(options.share.count) does not exist")
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

    /// The next batch (this reader's share of it), or nil once `epochs` are done (the last
    /// batch may be short, a share of it empty). A record that fails to read or transform
    /// throws a `ShardError` naming it; the position stays put.
    public func next() throws -> [Output]? {
        try pipeline.takeBatch()?.records
    }

    /// As `next`, with the number of records in the whole batch.
    public func nextShare() throws -> (records: [Output], batchCount: Int)? {
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
    /// Stream index of the first batch: batches are counted from here.
    let start: Int

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
        self.start = start
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

    /// The records of the batch starting at stream index `batchStart` that this reader reads.
    func ownRange(ofBatchAt batchStart: Int) -> Range<Int> {
        let count = min(options.batchSize, (end ?? Int.max) - batchStart)
        let slice = options.share.range(count: count)
        return batchStart + slice.lowerBound..<batchStart + slice.upperBound
    }

    /// Whether this reader reads stream index `index`.
    func owns(_ index: Int) -> Bool {
        ownRange(ofBatchAt: index - (index - start) % options.batchSize).contains(index)
    }

    func takeBatch() throws -> (records: [Output], batchCount: Int)? {
        condition.lock()
        defer { condition.unlock() }
        let upper = min(nextIndex + options.batchSize, end ?? Int.max)
        guard upper > nextIndex else { return nil }
        let own = ownRange(ofBatchAt: nextIndex)
        while own.contains(where: { results[$0] == nil }) { condition.wait() }
        let batch = try own.map { try results[$0]!.get() }
        for index in own { results[index] = nil }
        let count = upper - nextIndex
        nextIndex = upper
        let currentEpoch = nextIndex / epochLength
        orders = orders.filter { $0.key >= currentEpoch }
        condition.broadcast()
        return (batch, count)
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
            guard owns(index) else { continue }
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

/// Which contiguous slice of every batch a reader takes: slice `index` of `count` nearly equal
/// ones (sizes differ by at most one, earlier slices take the extra records), so the slices of
/// all `count` readers, in order, are the batch.
public struct BatchShare: Equatable, Sendable {
    public let index: Int
    public let count: Int

    public init(_ index: Int, of count: Int) {
        self.index = index
        self.count = count
    }

    /// The whole batch.
    public static let whole = BatchShare(0, of: 1)

    /// Positions within a batch of `count` records that this share takes.
    public func range(count records: Int) -> Range<Int> {
        precondition(count > 0 && (0..<count).contains(index) && records >= 0, "BatchShare: share \(index) of \(count), batch of \(records)")
        let base = records / count, extra = records % count
        let lower = index * base + Swift.min(index, extra)
        return lower..<lower + base + (index < extra ? 1 : 0)
    }
}
