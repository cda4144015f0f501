import CalmData
import Foundation

/// The shard reader's position as the opaque string a stage reports in `dataPosition`.
extension ShardReaderPosition {
    /// JSON text.
    var text: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }

    /// Reads `text` back, or explains that it is not a shard reader position.
    init(text: String) throws {
        do { self = try JSONDecoder().decode(ShardReaderPosition.self, from: Data(text.utf8)) } catch {
            throw TrainingError("data position '\(text)' is not a shard reader position: \(error)")
        }
    }
}
