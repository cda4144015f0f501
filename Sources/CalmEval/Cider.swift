import Foundation

/// CIDEr-D as pycocoevalcap/cider/cider_scorer.py computes it (n = 4, sigma = 6): n-grams are
/// weighted by TF-IDF, the document frequencies taken from the references of the evaluated
/// corpus (one document per sample); per order, the candidate's vector is compared with each
/// reference's by a cosine whose numerator clips the candidate's weights at the reference's,
/// times a Gaussian penalty on the length difference; scores are averaged over orders and
/// references, times 10, then averaged over samples.
public func cider(_ corpus: CaptionCorpus, maxOrder: Int = 4, sigma: Double = 6) -> Double {
    precondition(maxOrder >= 1, "CIDEr needs n-grams of order 1 or more")
    var documentFrequency: [[String]: Int] = [:]
    let referenceCounts = corpus.references.map { $0.map { ngramCounts($0, maxOrder: maxOrder) } }
    for counts in referenceCounts {
        for ngram in Set(counts.flatMap(\.keys)) { documentFrequency[ngram, default: 0] += 1 }
    }
    let logDocumentCount = log(Double(corpus.candidates.count))

    /// Per order: TF-IDF weights and their Euclidean norm; and the toolkit's "length", which
    /// (as in the toolkit) counts bigrams, not words.
    func weights(_ counts: [[String]: Int]) -> (vectors: [[[String]: Double]], norms: [Double], length: Int) {
        var vectors = [[[String]: Double]](repeating: [:], count: maxOrder)
        var norms = [Double](repeating: 0, count: maxOrder)
        var length = 0
        for (ngram, count) in counts {
            let order = ngram.count - 1
            let weight = Double(count) * (logDocumentCount - log(Double(max(1, documentFrequency[ngram] ?? 0))))
            vectors[order][ngram] = weight
            norms[order] += weight * weight
            if order == 1 { length += count }
        }
        return (vectors, norms.map { $0.squareRoot() }, length)
    }

    let scores = zip(corpus.candidates, referenceCounts).map { candidate, references -> Double in
        let hypothesis = weights(ngramCounts(candidate, maxOrder: maxOrder))
        var sum = [Double](repeating: 0, count: maxOrder)
        for referenceCount in references {
            let reference = weights(referenceCount)
            let delta = Double(hypothesis.length - reference.length)
            let lengthPenalty = exp(-(delta * delta) / (2 * sigma * sigma))
            for order in 0..<maxOrder {
                var similarity = 0.0
                for (ngram, weight) in hypothesis.vectors[order] {
                    let referenceWeight = reference.vectors[order][ngram] ?? 0
                    similarity += min(weight, referenceWeight) * referenceWeight
                }
                if hypothesis.norms[order] != 0 && reference.norms[order] != 0 {
                    similarity /= hypothesis.norms[order] * reference.norms[order]
                }
                sum[order] += similarity * lengthPenalty
            }
        }
        return sum.reduce(0, +) / Double(maxOrder) / Double(references.count) * 10
    }
    return scores.reduce(0, +) / Double(scores.count)
}
