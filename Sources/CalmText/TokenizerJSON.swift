import Foundation

/// Hugging Face `tokenizer.json`: the byte-level BPE subset we support, read and written.
///
/// Supported: model BPE (vocab, merges as "a b" strings or [a, b] arrays, unk_token,
/// ignore_merges), added_tokens without lstrip/rstrip/single_word, normalizer null,
/// pre_tokenizer ByteLevel / Digits / Split (GPT-2 or Llama-3 regex) / Sequence, decoder
/// ByteLevel. The post_processor is not applied: `encode` adds no BOS/EOS. Anything else is
/// refused with an error naming the file and key.
extension Tokenizer {
    /// Reads a tokenizer.json file.
    public static func load(huggingFaceJSON url: URL) throws -> Tokenizer {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CalmTextError(file: url.path, key: "file", message: "cannot read: \(error.localizedDescription)")
        }
        do { return try Tokenizer(huggingFaceJSON: data) } catch let error as CalmTextError {
            throw error.inFile(url.path)
        }
    }

    /// Reads a tokenizer from a `.gguf` file or a tokenizer.json file.
    public static func load(path: String) throws -> Tokenizer {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.lowercased() == "gguf"
            ? try Tokenizer(gguf: GGUFFile(url: url)) : try load(huggingFaceJSON: url)
    }

    /// Parses tokenizer.json contents.
    public convenience init(huggingFaceJSON data: Data) throws {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CalmTextError.invalid("(root)", "not a JSON object")
            }
            root = object
        } catch let error as CalmTextError { throw error } catch {
            throw CalmTextError.invalid("(json)", "not valid JSON: \(error.localizedDescription)")
        }
        let json = JSONReader(root, path: "")
        if !json.isNull("normalizer") { throw CalmTextError.unsupported("normalizer", json.describe("normalizer")) }
        if !json.isNull("decoder") {
            let decoder = try json.object("decoder")
            let type = try decoder.string("type")
            guard type == "ByteLevel" else { throw CalmTextError.unsupported(decoder.path("type"), type) }
        }
        let preTokenizer = try json.isNull("pre_tokenizer")
            ? PreTokenizer(steps: []) : Self.preTokenizer(try json.object("pre_tokenizer"))
        let model = try Self.bpe(try json.object("model"))
        var added = [AddedToken]()
        for (i, entry) in try json.array("added_tokens", orEmpty: true).enumerated() {
            let token = try JSONReader(entry, path: json.path("added_tokens[\(i)]"))
            for flag in ["lstrip", "rstrip", "single_word"] {
                if try token.bool(flag, default: false) { throw CalmTextError.unsupported(token.path(flag), true) }
            }
            added.append(AddedToken(id: try token.int("id"), content: try token.string("content"),
                                    special: try token.bool("special", default: false)))
        }
        self.init(model: model, preTokenizer: preTokenizer, addedTokens: added)
    }

    private static func bpe(_ json: JSONReader) throws -> BPE {
        let type = try json.string("type")
        guard type == "BPE" else { throw CalmTextError.unsupported(json.path("type"), type) }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] where !json.isNull(key) {
            let value = try json.string(key)
            if !value.isEmpty { throw CalmTextError.unsupported(json.path(key), value) }
        }
        if try json.bool("byte_fallback", default: false) { throw CalmTextError.unsupported(json.path("byte_fallback"), true) }
        if !json.isNull("dropout") { throw CalmTextError.unsupported(json.path("dropout"), json.describe("dropout")) }
        var vocab = [String: Int]()
        for (token, id) in try json.object("vocab").dictionary {
            guard let id = id as? Int else { throw CalmTextError.invalid(json.path("vocab.\(token)"), "id is not an integer") }
            vocab[token] = id
        }
        var merges = [(String, String)]()
        for (i, entry) in try json.array("merges").enumerated() {
            let parts: [String]
            if let line = entry as? String {
                parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else {
                parts = (entry as? [Any])?.compactMap { $0 as? String } ?? []
            }
            guard parts.count == 2 else {
                throw CalmTextError.invalid(json.path("merges[\(i)]"), "not a pair of tokens: \(entry)")
            }
            merges.append((parts[0], parts[1]))
        }
        var unknownId: Int?
        if !json.isNull("unk_token") {
            let unk = try json.string("unk_token")
            guard let id = vocab[unk] else { throw CalmTextError.invalid(json.path("unk_token"), "\(unk) is not in the vocabulary") }
            unknownId = id
        }
        do {
            return try BPE(vocab: vocab, merges: merges, ignoreMerges: try json.bool("ignore_merges", default: false),
                           unknownId: unknownId)
        } catch let error as CalmTextError {
            throw CalmTextError.invalid(json.path(error.key), error.message)
        }
    }

    private static func preTokenizer(_ json: JSONReader) throws -> PreTokenizer {
        var result = PreTokenizer(steps: [])
        var sawByteLevel = false
        func add(_ json: JSONReader) throws {
            let type = try json.string("type")
            // ByteLevel maps bytes to characters, so nothing may split after it.
            if sawByteLevel && type != "Sequence" { throw CalmTextError.unsupported(json.path("type"), "\(type) after ByteLevel") }
            switch type {
            case "Sequence":
                for (i, entry) in try json.array("pretokenizers").enumerated() {
                    try add(JSONReader(entry, path: json.path("pretokenizers[\(i)]")))
                }
            case "ByteLevel":
                if try json.bool("add_prefix_space", default: false) {
                    // HF prefixes every piece present at this step; we support it only as the sole step.
                    guard result.steps.isEmpty else { throw CalmTextError.unsupported(json.path("add_prefix_space"), "true after other steps") }
                    result.addPrefixSpace = true
                }
                if try json.bool("use_regex", default: true) { result.steps.append(.pattern(.gpt2)) }
                sawByteLevel = true
            case "Digits":
                result.steps.append(.digits(individual: try json.bool("individual_digits", default: false)))
            case "Split":
                let pattern = try json.object("pattern")
                let source = pattern.isNull("Regex") ? try pattern.string("String") : try pattern.string("Regex")
                guard let known = SplitPattern.allCases.first(where: { $0.regex == source }) else {
                    throw CalmTextError.unsupported(pattern.path("Regex"), source)
                }
                let behavior = try json.string("behavior")
                guard behavior == "Isolated" else { throw CalmTextError.unsupported(json.path("behavior"), behavior) }
                if try json.bool("invert", default: false) { throw CalmTextError.unsupported(json.path("invert"), true) }
                result.steps.append(.pattern(known))
            default:
                throw CalmTextError.unsupported(json.path("type"), type)
            }
        }
        try add(json)
        guard sawByteLevel else {
            throw CalmTextError.invalid(json.path("type"), "no ByteLevel step: only byte-level BPE is supported")
        }
        return result
    }

    /// The tokenizer as tokenizer.json contents (merges written in the [a, b] array form).
    public func huggingFaceJSON() throws -> Data {
        var steps: [[String: Any]] = []
        var remaining = preTokenizer.steps
        let regexInByteLevel = remaining.last == .pattern(.gpt2)
        if regexInByteLevel { remaining.removeLast() }
        for step in remaining {
            switch step {
            case .digits(let individual): steps.append(["type": "Digits", "individual_digits": individual])
            case .pattern(let pattern):
                steps.append(["type": "Split", "pattern": ["Regex": pattern.regex], "behavior": "Isolated", "invert": false])
            }
        }
        if preTokenizer.addPrefixSpace && !remaining.isEmpty {
            throw CalmTextError.unsupported("pre_tokenizer", "a prefix space with steps before ByteLevel")
        }
        steps.append(["type": "ByteLevel", "add_prefix_space": preTokenizer.addPrefixSpace,
                      "trim_offsets": true, "use_regex": regexInByteLevel])
        let model: [String: Any] = [
            "type": "BPE", "dropout": NSNull(), "unk_token": model.unknownId.map { self.model.tokens[$0] } ?? NSNull(),
            "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(), "fuse_unk": false,
            "byte_fallback": false, "ignore_merges": model.ignoreMerges,
            "vocab": model.vocab, "merges": model.merges.map { [$0.0, $0.1] },
        ]
        let root: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(),
            "added_tokens": addedTokens.map {
                ["id": $0.id, "content": $0.content, "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": $0.special] as [String: Any]
            },
            "normalizer": NSNull(),
            "pre_tokenizer": steps.count == 1 ? steps[0] : ["type": "Sequence", "pretokenizers": steps],
            "post_processor": NSNull(),
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": model,
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }

    /// Writes tokenizer.json atomically (temporary file, then rename).
    public func save(huggingFaceJSON url: URL) throws {
        let data = try huggingFaceJSON()
        do { try data.write(to: url, options: .atomic) } catch {
            throw CalmTextError(file: url.path, key: "file", message: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// Typed access to a JSON object that reports the dotted path of a missing or mistyped key.
struct JSONReader {
    let dictionary: [String: Any]
    let prefix: String

    init(_ value: Any, path: String) throws {
        guard let dictionary = value as? [String: Any] else {
            throw CalmTextError.invalid(path.isEmpty ? "(root)" : path, "not a JSON object")
        }
        self.dictionary = dictionary
        self.prefix = path
    }

    init(_ dictionary: [String: Any], path: String) {
        self.dictionary = dictionary
        self.prefix = path
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func isNull(_ key: String) -> Bool { dictionary[key] == nil || dictionary[key] is NSNull }

    func describe(_ key: String) -> String { dictionary[key].map { "\($0)" } ?? "nil" }

    private func value<T>(_ key: String, _ type: String) throws -> T {
        guard let raw = dictionary[key] else { throw CalmTextError.invalid(path(key), "missing") }
        guard let typed = raw as? T else { throw CalmTextError.invalid(path(key), "expected \(type), found \(raw)") }
        return typed
    }

    func string(_ key: String) throws -> String { try value(key, "a string") }
    func int(_ key: String) throws -> Int { try value(key, "an integer") }
    func object(_ key: String) throws -> JSONReader { JSONReader(try value(key, "an object") as [String: Any], path: path(key)) }

    func array(_ key: String, orEmpty: Bool = false) throws -> [Any] {
        if orEmpty && isNull(key) { return [] }
        return try value(key, "an array")
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        isNull(key) ? fallback : try value(key, "a boolean")
    }
}
