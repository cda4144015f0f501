import CalmData
import Foundation

/// The shard reader's position as the opaque string a stage reports in `dataPosition`.
extension ShardReaderPosition {
    /// JSON text, keys sorted (the same position always gives the same text).
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Reads `text` back, or explains that it is not a shard reader position.
    init(text: String) throws {
        do { self = try JSONDecoder().decode(ShardReaderPosition.self, from: Data(text.utf8)) } catch {
            throw TrainingError("data position '\(text)' is not a shard reader position: \(error)")
        }
    }
}
