/// A token added on top of the BPE vocabulary, matched verbatim before pre-tokenization.
public struct AddedToken: Equatable, Sendable {
    public var id: Int
    public var content: String
    /// Special tokens (control tokens) can be skipped when decoding.
    public var special: Bool

    public init(id: Int, content: String, special: Bool) {
        self.id = id
        self.content = content
        self.special = special
    }
}

/// A byte-level BPE tokenizer: added tokens, then pre-tokenizer, then BPE per word.
public final class Tokenizer: @unchecked Sendable {
    public let model: BPE
    public let preTokenizer: PreTokenizer
    /// Added tokens, in id order.
    public let addedTokens: [AddedToken]
    public let bosTokenId: Int?
    public let eosTokenId: Int?

    private let addedById: [Int: AddedToken]
    private let addedByContent: [String: Int]
    /// Added tokens as UTF-8, grouped by first byte, longest first (leftmost-longest match).
    private let addedByFirstByte: [[(bytes: [UInt8], id: Int)]]
    /// Raw bytes of each vocabulary token.
    private let tokenBytes: [[UInt8]]

    public init(model: BPE, preTokenizer: PreTokenizer, addedTokens: [AddedToken] = [],
                bosTokenId: Int? = nil, eosTokenId: Int? = nil) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.addedTokens = addedTokens.sorted { $0.id < $1.id }
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        addedById = Dictionary(addedTokens.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        addedByContent = Dictionary(addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })
        var groups = [[(bytes: [UInt8], id: Int)]](repeating: [], count: 256)
        for token in addedTokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            groups[Int(bytes[0])].append((bytes, token.id))
        }
        addedByFirstByte = groups.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
        tokenBytes = model.tokens.map { token in
            token.unicodeScalars.flatMap { u -> [UInt8] in
                ByteLevel.bytes[u.value].map { [$0] } ?? Array(String(u).utf8)
            }
        }
    }

    /// One more than the largest id of the vocabulary and added tokens.
    public var vocabularySize: Int { max(model.tokens.count, (addedTokens.last?.id ?? -1) + 1) }

    /// The id of a token, given its text (added tokens) or byte-level spelling (vocabulary).
    public func id(of token: String) -> Int? { addedByContent[token] ?? model.vocab[token] }

    /// Encodes text to token ids. With `parseSpecial`, added tokens in the text become their ids;
    /// without it, they are tokenized as ordinary text. No BOS/EOS is added.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int] {
        var out = [Int]()
        out.reserveCapacity(text.utf8.count / 3)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buf in
            var segmentStart = 0, i = 0
            while i < buf.count {
                if parseSpecial, let (length, id) = matchAdded(buf, at: i) {
                    encodeSegment(buf, segmentStart..<i, into: &out)
                    out.append(id)
                    i += length
                    segmentStart = i
                } else {
                    i += 1
                }
            }
            encodeSegment(buf, segmentStart..<buf.count, into: &out)
        }
        return out
    }

    private func matchAdded(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int)? {
        for (bytes, id) in addedByFirstByte[Int(buf[i])] where i + bytes.count <= buf.count {
            if (0..<bytes.count).allSatisfy({ buf[i + $0] == bytes[$0] }) { return (bytes.count, id) }
        }
        return nil
    }

    private func encodeSegment(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Int]) {
        guard !range.isEmpty else { return }
        if preTokenizer.addPrefixSpace && buf[range.lowerBound] != UInt8(ascii: " ") {
            let prefixed = [UInt8(ascii: " ")] + buf[range]
            prefixed.withUnsafeBufferPointer { p in
                var plain = preTokenizer
                plain.addPrefixSpace = false
                Tokenizer.encodeWords(p, 0..<p.count, plain, model, into: &out)
            }
        } else {
            Tokenizer.encodeWords(buf, range, preTokenizer, model, into: &out)
        }
    }

    private static func encodeWords(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ pre: PreTokenizer,
                                    _ model: BPE, into out: inout [Int]) {
        pre.split(buf, range) { word in
            model.encode(word: UnsafeBufferPointer(rebasing: buf[word]), into: &out)
        }
    }

    /// Decodes token ids to text (invalid UTF-8 becomes U+FFFD); throws on an unknown id.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) throws -> String {
        var bytes = [UInt8]()
        for id in ids {
            if let added = addedById[id] {
                if !(skipSpecialTokens && added.special) { bytes += added.content.utf8 }
            } else if id >= 0 && id < tokenBytes.count {
                bytes += tokenBytes[id]
            } else {
                throw CalmTextError.invalid("id", "token id \(id) is outside the vocabulary (size \(vocabularySize))")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A tokenizer with `tokens` added (those not yet present get the next free ids, in order).
    public func adding(_ tokens: [String], special: Bool = true) -> Tokenizer {
        var added = addedTokens
        var next = vocabularySize
        for content in tokens where id(of: content) == nil {
            added.append(AddedToken(id: next, content: content, special: special))
            next += 1
        }
        return Tokenizer(model: model, preTokenizer: preTokenizer, addedTokens: added,
                         bosTokenId: bosTokenId, eosTokenId: eosTokenId)
    }
}
