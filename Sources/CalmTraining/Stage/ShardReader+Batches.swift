import CalmData
import Foundation

extension ShardReader {
    /// The next batch of a training reader over the shards in `folder`. Training readers loop
    /// over epochs, so running dry (every record failing) is an error naming the folder.
    func nextBatch(of folder: String) throws -> [Output] {
        var ignored = 0.0
        return try nextBatch(of: folder, waitingSeconds: &ignored)
    }

    /// `nextBatch(of:)`, adding the seconds spent waiting for it to `waitingSeconds` (0 when
    /// the workers' prefetching keeps up).
    func nextBatch(of folder: String, waitingSeconds: inout Double) throws -> [Output] {
        let start = Date()
        guard let batch = try next(), !batch.isEmpty else { throw TrainingError("\(folder): the shard reader ran dry") }
        waitingSeconds += Date().timeIntervalSince(start)
        return batch
    }
}
