import Foundation

/// Corpus-level BLEU-1...BLEU-`maxOrder` exactly as pycocoevalcap/bleu/bleu_scorer.py computes
/// it with option "closest": clipped n-gram matches and candidate n-grams summed over the
/// corpus, each sample's reference length the one closest to its candidate's (the shorter on
/// a tie), the brevity penalty on the corpus totals, and the toolkit's smoothing constants.
/// Element k-1 is BLEU-k, the geometric mean of the precisions of orders 1...k.
public func bleu(_ corpus: CaptionCorpus, maxOrder: Int = 4) -> [Double] {
    precondition(maxOrder >= 1, "BLEU needs n-grams of order 1 or more")
    var matches = [Int](repeating: 0, count: maxOrder)
    var guesses = [Int](repeating: 0, count: maxOrder)
    var candidateLength = 0, referenceLength = 0
    for (candidate, references) in zip(corpus.candidates, corpus.references) {
        var maxReferenceCounts: [[String]: Int] = [:]
        for reference in references {
            maxReferenceCounts.merge(ngramCounts(reference, maxOrder: maxOrder)) { max($0, $1) }
        }
        for (ngram, count) in ngramCounts(candidate, maxOrder: maxOrder) {
            matches[ngram.count - 1] += min(count, maxReferenceCounts[ngram] ?? 0)
        }
        for order in 1...maxOrder { guesses[order - 1] += max(0, candidate.count - order + 1) }
        candidateLength += candidate.count
        // CaptionCorpus guarantees at least one reference.
        referenceLength += references.map(\.count).min { (abs($0 - candidate.count), $0) < (abs($1 - candidate.count), $1) }!
    }

    // The toolkit's smoothing: `small` keeps an empty denominator from dividing by zero,
    // `tiny` keeps zero matches a tiny positive precision.
    let tiny = 1e-15, small = 1e-9
    let ratio = (Double(candidateLength) + tiny) / (Double(referenceLength) + small)
    let brevityPenalty = ratio < 1 ? exp(1 - 1 / ratio) : 1
    var product = 1.0
    return (0..<maxOrder).map { k in
        product *= (Double(matches[k]) + tiny) / (Double(guesses[k]) + small)
        return pow(product, 1 / Double(k + 1)) * brevityPenalty
    }
}
