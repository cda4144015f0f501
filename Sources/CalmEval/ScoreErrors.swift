import Foundation

// Error and agreement measures between predicted and ground-truth scores.

/// Root mean squared error between predictions and labels.
public func rootMeanSquaredError(_ predictions: [Double], _ labels: [Double]) throws -> Double {
    try checkPaired(predictions, labels, metric: "RMSE", minimumCount: 1)
    let sum = zip(predictions, labels).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    return (sum / Double(predictions.count)).squareRoot()
}

/// Binary classification accuracy: the share of samples where the prediction and the label
/// fall on the same side of `threshold` (a score above it is "good", at or below it "bad").
/// On AVA's 1–10 scale the usual threshold is 5.
public func binaryAccuracy(_ predictions: [Double], _ labels: [Double], threshold: Double = 5) throws -> Double {
    try checkPaired(predictions, labels, metric: "accuracy", minimumCount: 1)
    let agreeing = zip(predictions, labels).filter { ($0.0 > threshold) == ($0.1 > threshold) }.count
    return Double(agreeing) / Double(predictions.count)
}

/// Earth mover's distance between predicted and ground-truth score distributions as in NIMA:
/// for each sample, (mean over bins of |CDF_p - CDF_q|^r)^(1/r), averaged over samples.
/// Each row is a histogram over the same bins (AVA: votes for scores 1...10); rows are
/// normalized to sum to 1 first, so raw vote counts work as well as probabilities.
public func earthMoversDistance(_ predicted: [[Double]], _ groundTruth: [[Double]], power r: Double = 2) throws -> Double {
    guard predicted.count == groundTruth.count else {
        throw EvalError.invalidInput("EMD: \(predicted.count) predicted distributions but \(groundTruth.count) ground-truth ones")
    }
    guard !predicted.isEmpty else { throw EvalError.invalidInput("EMD needs at least 1 sample, got 0") }
    guard r > 0 && r.isFinite else { throw EvalError.invalidInput("EMD: power r must be positive, got \(r)") }
    var total = 0.0
    for (sample, (p, q)) in zip(predicted, groundTruth).enumerated() {
        guard p.count == q.count, p.count > 0 else {
            throw EvalError.invalidInput("EMD: sample \(sample) has \(p.count) predicted bins but \(q.count) ground-truth bins")
        }
        let cdfP = try cumulativeDistribution(p, sample: sample), cdfQ = try cumulativeDistribution(q, sample: sample)
        let meanPower = zip(cdfP, cdfQ).reduce(0) { $0 + pow(abs($1.0 - $1.1), r) } / Double(p.count)
        total += pow(meanPower, 1 / r)
    }
    return total / Double(predicted.count)
}

/// The cumulative sums of a histogram normalized to total 1.
func cumulativeDistribution(_ histogram: [Double], sample: Int) throws -> [Double] {
    guard histogram.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
        throw EvalError.invalidInput("EMD: sample \(sample) has a negative or non-finite bin: \(histogram)")
    }
    let mass = histogram.reduce(0, +)
    guard mass > 0 else { throw EvalError.invalidInput("EMD: sample \(sample) has an empty distribution (all bins 0)") }
    var running = 0.0
    return histogram.map { running += $0 / mass; return running }
}
