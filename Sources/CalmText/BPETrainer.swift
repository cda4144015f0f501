/// Learns a byte-level BPE vocabulary from text.
///
/// Ids: the special tokens first, then the 256 bytes in byte order, then one token per merge.
/// Each step merges the most frequent adjacent pair over all words (weighted by word count);
/// ties go to the pair with the smallest ids, so training is deterministic. Pair counts are
/// updated only for the words that contain the merged pair.
public struct BPETrainer: Sendable {
    /// Final vocabulary size, special tokens and the 256 bytes included.
    public var vocabularySize: Int
    /// Pairs seen fewer times than this are never merged.
    public var minFrequency: Int
    public var specialTokens: [String]
    public var preTokenizer: PreTokenizer

    public init(vocabularySize: Int, minFrequency: Int = 2, specialTokens: [String] = [],
                preTokenizer: PreTokenizer = .gpt2) {
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.preTokenizer = preTokenizer
    }

    /// Trains on `texts` and returns the tokenizer (special tokens as added tokens).
    public func train<S: Sequence>(_ texts: S) throws -> Tokenizer where S.Element == String {
        guard vocabularySize >= specialTokens.count + 256 else {
            throw CalmTextError.invalid("vocabularySize", "\(vocabularySize) is below \(specialTokens.count) special tokens + 256 bytes")
        }
        var tokens = specialTokens + ByteLevel.characters.map(String.init)
        guard Set(tokens).count == tokens.count else {
            throw CalmTextError.invalid("specialTokens", "duplicate or single-byte special tokens in \(specialTokens)")
        }
        let byteBase = Int32(specialTokens.count)
        var words = [[Int32]](), counts = [Int]()
        for (word, count) in countWords(texts) {
            words.append(word.map { byteBase + Int32($0) })
            counts.append(count)
        }
        var pairs = PairStatistics()
        for w in words.indices { pairs.add(words[w], count: counts[w], word: w) }

        var ids = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) })
        var merges = [(String, String)]()
        while tokens.count < vocabularySize, let (pair, count) = pairs.mostFrequent(), count >= minFrequency {
            let (left, right) = (Int32(pair >> 32), Int32(truncatingIfNeeded: pair))
            let spelling = tokens[Int(left)] + tokens[Int(right)]
            // Different merges can spell the same token ("a"+"bc", "ab"+"c"): it keeps one id.
            let merged = ids[spelling] ?? Int32(tokens.count)
            if merged == Int32(tokens.count) {
                tokens.append(spelling)
                ids[spelling] = merged
            }
            merges.append((tokens[Int(left)], tokens[Int(right)]))
            for w in pairs.words(containing: pair) {
                let replaced = Self.merge(words[w], left, right, into: merged)
                guard replaced.count != words[w].count else { continue }
                pairs.remove(words[w], count: counts[w])
                pairs.add(replaced, count: counts[w], word: w)
                words[w] = replaced
            }
        }
        let vocab = ids.mapValues(Int.init)
        let added = specialTokens.enumerated().map { AddedToken(id: $0, content: $1, special: true) }
        return Tokenizer(model: try BPE(vocab: vocab, merges: merges), preTokenizer: preTokenizer, addedTokens: added)
    }

    /// Distinct pre-tokenized words (as UTF-8) with their counts, in a fixed order.
    private func countWords<S: Sequence>(_ texts: S) -> [(word: [UInt8], count: Int)] where S.Element == String {
        var counts = [[UInt8]: Int]()
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buf in
                preTokenizer.split(buf, 0..<buf.count) { counts[Array(buf[$0]), default: 0] += 1 }
            }
        }
        return counts.map { ($0.key, $0.value) }.sorted { $0.word.lexicographicallyPrecedes($1.word) }
    }

    /// `word` with every (left, right), left to right, replaced by `merged`.
    private static func merge(_ word: [Int32], _ left: Int32, _ right: Int32, into merged: Int32) -> [Int32] {
        var out = [Int32]()
        out.reserveCapacity(word.count)
        var i = 0
        while i < word.count {
            if i + 1 < word.count && word[i] == left && word[i + 1] == right {
                out.append(merged)
                i += 2
            } else {
                out.append(word[i])
                i += 1
            }
        }
        return out
    }
}

/// Weighted counts of adjacent pairs, and which words hold each pair.
private struct PairStatistics {
    private var counts = [UInt64: Int]()
    private var wordsByPair = [UInt64: Set<Int>]()

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) }

    mutating func add(_ word: [Int32], count: Int, word w: Int) {
        for i in word.indices.dropLast() {
            let k = Self.key(word[i], word[i + 1])
            counts[k, default: 0] += count
            wordsByPair[k, default: []].insert(w)
        }
    }

    mutating func remove(_ word: [Int32], count: Int) {
        for i in word.indices.dropLast() {
            let k = Self.key(word[i], word[i + 1])
            counts[k, default: 0] -= count
            if counts[k] == 0 { counts[k] = nil }
        }
    }

    /// The pair with the highest count; among equals, the smallest key (smallest ids).
    func mostFrequent() -> (UInt64, Int)? {
        var best: (UInt64, Int)?
        for (k, c) in counts where best == nil || c > best!.1 || (c == best!.1 && k < best!.0) { best = (k, c) }
        return best
    }

    /// Words that held the pair at some point, in index order (stale entries are harmless).
    mutating func words(containing pair: UInt64) -> [Int] {
        defer { wordsByPair[pair] = nil }
        return wordsByPair[pair, default: []].sorted()
    }
}
