/// Building a tokenizer from the `tokenizer.ggml.*` metadata of a GGUF file.
extension Tokenizer {
    /// llama.cpp's `tokenizer.ggml.pre` names of the pre-tokenizers we implement.
    public static let ggufPreTokenizers: [String: PreTokenizer] = [
        "gpt-2": .gpt2, "smollm": .smolLM, "llama-bpe": .llama3, "llama3": .llama3,
    ]

    /// The byte-level BPE tokenizer (`tokenizer.ggml.model` = gpt2) stored in a GGUF file.
    /// Control and user-defined tokens (token_type 3 and 4) become added tokens, control
    /// ones special, as llama.cpp matches them. Without `tokenizer.ggml.pre` the GPT-2 regex
    /// is used (llama.cpp would fall back to its own "default" split instead).
    public convenience init(gguf: GGUFFile) throws {
        func fail(_ key: String, _ message: String) -> CalmTextError {
            CalmTextError(file: gguf.url.path, key: key, message: message)
        }
        func strings(_ key: String) throws -> [String] {
            guard let values = try gguf.value(key).array else { throw fail(key, "not an array") }
            return try values.map { guard let s = $0.string else { throw fail(key, "element \($0) is not a string") }; return s }
        }
        func optionalId(_ key: String) throws -> Int? {
            guard let value = gguf.metadata[key] else { return nil }
            guard let id = value.int else { throw fail(key, "\(value) is not an integer") }
            return id
        }
        let model = try gguf.value("tokenizer.ggml.model").string ?? ""
        guard model == "gpt2" else { throw fail("tokenizer.ggml.model", "unsupported value \(model) (only gpt2, byte-level BPE)") }
        let pre = gguf.metadata["tokenizer.ggml.pre"]?.string ?? "gpt-2"
        guard let preTokenizer = Self.ggufPreTokenizers[pre] else {
            throw fail("tokenizer.ggml.pre", "unsupported value \(pre) (supported: \(Self.ggufPreTokenizers.keys.sorted()))")
        }
        let tokens = try strings("tokenizer.ggml.tokens")
        var merges = [(String, String)]()
        for (i, line) in try strings("tokenizer.ggml.merges").enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("tokenizer.ggml.merges", "entry \(i) \"\(line)\" is not a pair") }
            merges.append((String(parts[0]), String(parts[1])))
        }
        var types = [Int](repeating: 1, count: tokens.count)
        if let value = gguf.metadata["tokenizer.ggml.token_type"] {
            guard let array = value.array, array.count == tokens.count else {
                throw fail("tokenizer.ggml.token_type", "expected \(tokens.count) integers")
            }
            types = try array.map { guard let t = $0.int else { throw fail("tokenizer.ggml.token_type", "\($0)") }; return t }
        }
        let vocab = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let bpe: BPE
        do { bpe = try BPE(vocab: vocab, merges: merges) } catch let error as CalmTextError {
            throw fail("tokenizer.ggml.\(error.key)", error.message)
        }
        let added = tokens.indices.filter { types[$0] == 3 || types[$0] == 4 }
            .map { AddedToken(id: $0, content: tokens[$0], special: types[$0] == 3) }
        self.init(model: bpe, preTokenizer: preTokenizer, addedTokens: added,
                  bosTokenId: try optionalId("tokenizer.ggml.bos_token_id"),
                  eosTokenId: try optionalId("tokenizer.ggml.eos_token_id"))
    }
}
