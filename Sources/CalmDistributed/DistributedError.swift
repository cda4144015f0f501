/// A failure of distributed training: MPI missing or failing, ranks disagreeing, bad settings.
public struct DistributedError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "distributed: \(message)" }
}
