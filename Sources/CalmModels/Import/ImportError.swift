/// A problem importing pretrained weights; the message names the file and the tensor or key.
public struct ImportError: Error, CustomStringConvertible {
    public let file: String
    public let key: String
    public let message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String { "\(file): \(key): \(message)" }
}
