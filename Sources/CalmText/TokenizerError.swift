/// A tokenizer file or input we cannot use, naming the file (when known) and the key.
public struct TokenizerError: Error, CustomStringConvertible, Equatable {
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

    static func invalid(_ key: String, _ message: String) -> TokenizerError {
        TokenizerError(key: key, message: message)
    }

    static func unsupported(_ key: String, _ value: Any) -> TokenizerError {
        TokenizerError(key: key, message: "unsupported value \(value)")
    }

    /// The same error, attributed to `file`.
    func `in`(_ file: String) -> TokenizerError {
        TokenizerError(file: self.file ?? file, key: key, message: message)
    }

    public var description: String {
        (file.map { "\($0): " } ?? "") + "\(key): \(message)"
    }
}
