/// A problem with shard data (a file, a record, the manifest), naming where it is.
public struct ShardError: Error, CustomStringConvertible, Equatable {
    /// The file, or "file#row" for one record.
    public let location: String
    public let message: String

    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
