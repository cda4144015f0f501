/// Why a task could not run: the message names the file, record or key at fault.
public struct TaskError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
