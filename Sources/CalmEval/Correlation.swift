// Linear and rank correlations between predicted and ground-truth scores.
// A constant sample has no variance, so its correlation is undefined: these functions
// return NaN for it (as scipy does) instead of throwing, so one degenerate model does
// not hide the other metrics of a report.

/// Pearson's linear correlation coefficient (PLCC); NaN when either sample is constant.
public func pearson(_ x: [Double], _ y: [Double]) throws -> Double {
    try checkPaired(x, y, metric: "PLCC")
    return centeredCorrelation(x, y)
}

/// Spearman's rank correlation coefficient (SRCC): Pearson's on average ranks, so ties
/// share the mean of the ranks they span; NaN when either sample is constant.
public func spearman(_ x: [Double], _ y: [Double]) throws -> Double {
    try checkPaired(x, y, metric: "SRCC")
    return centeredCorrelation(averageRanks(x), averageRanks(y))
}

/// Ranks from 1 to n; tied values all get the mean of the ranks they occupy.
public func averageRanks(_ values: [Double]) -> [Double] {
    let sorted = zip(values, values.indices).sorted { $0.0 < $1.0 }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < sorted.count {
        var end = start + 1
        while end < sorted.count && sorted[end].0 == sorted[start].0 { end += 1 }
        // Positions start..<end hold one tied group: ranks start+1 ... end, whose mean is this.
        let rank = Double(start + 1 + end) / 2
        for position in start..<end { ranks[sorted[position].1] = rank }
        start = end
    }
    return ranks
}

/// Pearson's correlation of two finite samples of equal length, centered first for accuracy.
func centeredCorrelation(_ x: [Double], _ y: [Double]) -> Double {
    guard let x0 = x.first, let y0 = y.first,
          x.contains(where: { $0 != x0 }), y.contains(where: { $0 != y0 }) else { return .nan }
    let meanX = x.reduce(0, +) / Double(x.count)
    let meanY = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
        let dx = x[i] - meanX, dy = y[i] - meanY
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    }
    return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
}
