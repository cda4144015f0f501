/// A training-runtime failure (checkpoint, weights, loop), with a message naming the file, tensor or step.
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
