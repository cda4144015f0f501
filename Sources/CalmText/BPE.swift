import Foundation

/// A byte-level BPE model: the vocabulary and the ranked merges.
///
/// Words (pre-tokenized pieces of UTF-8) start as one symbol per byte; the adjacent pair
/// with the lowest merge rank is merged, everywhere in the word, until no pair has a rank.
/// Results are cached per word, since natural text repeats its words.
public final class BPE: @unchecked Sendable {
    /// Token strings (byte-level spelling) by id.
    public let tokens: [String]
    /// Ids by token string.
    public let vocab: [String: Int]
    /// The merges in rank order, as pairs of token strings.
    public let merges: [(String, String)]
    /// HF `ignore_merges` (Llama 3): a word that is itself a token is not split.
    public let ignoreMerges: Bool
    /// The token standing for a byte the vocabulary lacks; nil drops such bytes (as HF does).
    public let unknownId: Int?

    /// The id of each byte's one-character token; else `unknownId`, else -1 (dropped).
    private let byteIds: [Int32]
    /// (left id << 32 | right id) -> (rank << 32 | merged id).
    private let mergeTable: [UInt64: UInt64]
    private var cache = [[UInt8]: [Int32]]()
    private let cacheLock = NSLock()
    private static let cacheLimit = 200_000

    /// Builds the model; throws if a merge names a token missing from the vocabulary.
    public init(vocab: [String: Int], merges: [(String, String)], ignoreMerges: Bool = false,
                unknownId: Int? = nil) throws {
        let size = (vocab.values.max() ?? -1) + 1
        var tokens = [String](repeating: "", count: size)
        for (token, id) in vocab {
            guard id >= 0 else { throw TokenizerError.invalid("vocab", "token \(token) has negative id \(id)") }
            tokens[id] = token
        }
        var table = [UInt64: UInt64](minimumCapacity: merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = vocab[a], let right = vocab[b], let merged = vocab[a + b] else {
                throw TokenizerError.invalid("merges", "merge #\(rank) \"\(a) \(b)\" uses a token missing from the vocabulary")
            }
            let key = UInt64(left) << 32 | UInt64(right)
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(merged) }
        }
        self.tokens = tokens
        self.vocab = vocab
        self.merges = merges
        self.ignoreMerges = ignoreMerges
        self.unknownId = unknownId
        self.mergeTable = table
        self.byteIds = ByteLevel.characters.map { Int32(vocab[String($0)] ?? unknownId ?? -1) }
    }

    /// Appends the token ids of one word (raw UTF-8 bytes) to `out`.
    public func encode(word: UnsafeBufferPointer<UInt8>, into out: inout [Int]) {
        if word.count == 1 {
            let id = byteIds[Int(word[0])]
            if id >= 0 { out.append(Int(id)) }
            return
        }
        let key = Array(word)
        cacheLock.lock()
        let cached = cache[key]
        cacheLock.unlock()
        if let cached {
            for id in cached { out.append(Int(id)) }
            return
        }
        let ids = merge(key)
        cacheLock.lock()
        if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = ids
        cacheLock.unlock()
        for id in ids { out.append(Int(id)) }
    }

    /// The merge loop of one word (GPT-2's: merge every occurrence of the best pair, repeat).
    private func merge(_ word: [UInt8]) -> [Int32] {
        if ignoreMerges, let id = vocab[ByteLevel.encode(word)] { return [Int32(id)] }
        var symbols = word.compactMap { byteIds[Int($0)] >= 0 ? byteIds[Int($0)] : nil }
        while symbols.count > 1 {
            var best = UInt64.max, left: Int32 = 0, right: Int32 = 0
            for i in 0..<(symbols.count - 1) {
                if let m = mergeTable[UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[i + 1]))], m < best {
                    (best, left, right) = (m, symbols[i], symbols[i + 1])
                }
            }
            guard best != UInt64.max else { break }
            let merged = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            var next = [Int32]()
            next.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                    next.append(merged)
                    i += 2
                } else {
                    next.append(symbols[i])
                    i += 1
                }
            }
            symbols = next
        }
        return symbols
    }
}
