/// ROUGE-L as pycocoevalcap/rouge/rouge.py computes it: per sample, the longest common
/// subsequence with each reference gives a precision and a recall; the best precision and
/// the best recall (over references, separately) make an F-measure weighted by `beta`
/// (recall counts beta² times as much); the corpus score is the mean over samples.
public func rougeL(_ corpus: CaptionCorpus, beta: Double = 1.2) -> Double {
    let scores = zip(corpus.candidates, corpus.references).map { candidate, references -> Double in
        // An empty candidate matches nothing (the toolkit scores it 0 too).
        guard !candidate.isEmpty else { return 0 }
        let lengths = references.map { longestCommonSubsequence(candidate, $0) }
        // CaptionCorpus guarantees at least one reference, each non-empty.
        let precision = Double(lengths.max()!) / Double(candidate.count)
        let recall = zip(lengths, references).map { Double($0) / Double($1.count) }.max()!
        guard precision > 0 && recall > 0 else { return 0 }
        return (1 + beta * beta) * precision * recall / (recall + beta * beta * precision)
    }
    return scores.reduce(0, +) / Double(scores.count)
}

/// The length of the longest common subsequence of two token sequences (one DP row at a time).
func longestCommonSubsequence(_ a: [String], _ b: [String]) -> Int {
    var previous = [Int](repeating: 0, count: b.count + 1)
    var current = previous
    for tokenA in a {
        for (j, tokenB) in b.enumerated() {
            current[j + 1] = tokenA == tokenB ? previous[j] + 1 : max(previous[j + 1], current[j])
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
