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
        // Ids are dense in every real vocabulary; a stray huge id must not allocate gigabytes.
        guard size <= 2 * vocab.count + 1024 else {
            throw CalmTextError.invalid("vocab", "ids up to \(size - 1) for \(vocab.count) tokens are not dense")
        }
        var tokens = [String](repeating: "", count: size)
        for (token, id) in vocab {
            guard id >= 0 else { throw CalmTextError.invalid("vocab", "token \(token) has negative id \(id)") }
            tokens[id] = token
        }
        var table = [UInt64: UInt64](minimumCapacity: merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = vocab[a], let right = vocab[b], let merged = vocab[a + b] else {
                throw CalmTextError.invalid("merges", "merge #\(rank) \"\(a) \(b)\" uses a token missing from the vocabulary")
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

    /// The merge loop of one word, O(n log n) as in HF: a min-heap of (rank, position) over
    /// adjacent pairs and a linked list of symbols. The lowest rank merges first, the leftmost
    /// among equals; stale heap entries are skipped. Since a merged token's own pairs always
    /// rank after the merge that made it, this equals GPT-2's "merge all occurrences" loop.
    private func merge(_ word: [UInt8]) -> [Int32] {
        if ignoreMerges, let id = vocab[ByteLevel.encode(word)] { return [Int32(id)] }
        var symbols = word.compactMap { byteIds[Int($0)] >= 0 ? byteIds[Int($0)] : nil }
        guard symbols.count > 1 else { return symbols }
        let n = symbols.count
        var next = Array(1...n), previous = Array(-1..<(n - 1))  // next == n: end of word
        var heap = MinHeap()
        func rankedPair(at i: Int) -> UInt64? {
            guard next[i] < n else { return nil }
            return mergeTable[UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[next[i]]))]
        }
        func push(_ i: Int) {
            if let m = rankedPair(at: i) { heap.push((m >> 32) << 32 | UInt64(i)) }
        }
        for i in 0..<(n - 1) { push(i) }
        while let top = heap.pop() {
            let i = Int(top & 0xFFFF_FFFF)
            guard symbols[i] >= 0, let m = rankedPair(at: i), m >> 32 == top >> 32 else { continue }
            let j = next[i]
            symbols[i] = Int32(truncatingIfNeeded: m & 0xFFFF_FFFF)
            symbols[j] = -1
            next[i] = next[j]
            if next[j] < n { previous[next[j]] = i }
            if previous[i] >= 0 { push(previous[i]) }
            push(i)
        }
        return symbols.filter { $0 >= 0 }
    }
}

/// A binary min-heap of packed (rank << 32 | position) keys.
private struct MinHeap {
    private var items = [UInt64]()

    mutating func push(_ item: UInt64) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let left = 2 * i + 1, right = left + 1
                var smallest = i
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                guard smallest != i else { break }
                items.swapAt(i, smallest)
                i = smallest
            }
        }
        return top
    }
}
