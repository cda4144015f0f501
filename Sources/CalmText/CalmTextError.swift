/// A tokenizer, GGUF or chat input that CalmText cannot use, naming the file (when known) and the key.
public struct CalmTextError: Error, CustomStringConvertible, Equatable {
    /// The file being read, if any.
    public var file: String?
    /// The key (JSON path, GGUF metadata key, or argument) at fault.
    public var key: String
    public var message: String

    public init(file: String? = nil, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    static func invalid(_ key: String, _ message: String) -> CalmTextError {
        CalmTextError(key: key, message: message)
    }

    static func unsupported(_ key: String, _ value: Any) -> CalmTextError {
        CalmTextError(key: key, message: "unsupported value \(value)")
    }

    /// The same error, attributed to `file`.
    func inFile(_ file: String) -> CalmTextError {
        CalmTextError(file: self.file ?? file, key: key, message: message)
    }

    public var description: String {
        (file.map { "\($0): " } ?? "") + "\(key): \(message)"
    }
}
