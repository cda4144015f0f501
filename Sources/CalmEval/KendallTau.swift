// Kendall's tau-b in O(n log n) (Knight 1966): sort the pairs by x then y, count the
// discordant pairs as the inversions of y in that order with a merge sort, and correct
// for ties in x, in y and in both. The same formula as scipy.stats.kendalltau.

/// Kendall's rank correlation coefficient tau-b (KRCC), which accounts for ties in either
/// sample; NaN when either sample is constant.
public func kendallTauB(_ x: [Double], _ y: [Double]) throws -> Double {
    try checkPaired(x, y, metric: "KRCC")
    let n = x.count
    let pairs = zip(x, y).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    let xTies = tiedPairs(count: n) { pairs[$0].0 == pairs[$0 - 1].0 }
    let jointTies = tiedPairs(count: n) { pairs[$0] == pairs[$0 - 1] }
    var ySorted = pairs.map(\.1)
    let discordant = sortCountingInversions(&ySorted)
    let yTies = tiedPairs(count: n) { ySorted[$0] == ySorted[$0 - 1] }

    let total = n * (n - 1) / 2
    guard xTies < total && yTies < total else { return .nan }
    let concordantMinusDiscordant = Double(total - xTies - yTies + jointTies - 2 * discordant)
    let tau = concordantMinusDiscordant / Double(total - xTies).squareRoot() / Double(total - yTies).squareRoot()
    return min(1, max(-1, tau))
}

/// Pairs of equal elements in a sorted sequence of `count` elements, where
/// `sameAsPrevious(i)` tells whether element i equals element i - 1:
/// t(t-1)/2 summed over the runs of length t.
func tiedPairs(count: Int, sameAsPrevious: (Int) -> Bool) -> Int {
    var pairs = 0, run = 1
    for i in 1..<max(count, 1) {
        if sameAsPrevious(i) {
            run += 1
        } else {
            pairs += run * (run - 1) / 2
            run = 1
        }
    }
    return pairs + run * (run - 1) / 2
}

/// Sorts `values` ascending and returns the number of pairs i < j that were out of order,
/// values[i] > values[j] (equal values are not inversions). Bottom-up merge sort between
/// the array and one scratch buffer.
func sortCountingInversions(_ values: inout [Double]) -> Int {
    let n = values.count
    var scratch = values
    var inversions = 0
    values.withUnsafeMutableBufferPointer { array in
        scratch.withUnsafeMutableBufferPointer { buffer in
            var (from, to) = (array, buffer)
            var width = 1
            while width < n {
                var left = 0
                while left < n {
                    let middle = min(left + width, n), right = min(left + 2 * width, n)
                    var i = left, j = middle, k = left
                    while i < middle && j < right {
                        if from[j] < from[i] {
                            // from[j] jumps ahead of every element still waiting on the left.
                            inversions += middle - i
                            to[k] = from[j]; j += 1
                        } else {
                            to[k] = from[i]; i += 1
                        }
                        k += 1
                    }
                    while i < middle { to[k] = from[i]; i += 1; k += 1 }
                    while j < right { to[k] = from[j]; j += 1; k += 1 }
                    left = right
                }
                swap(&from, &to)
                width *= 2
            }
            // After an odd number of passes the sorted values are in the scratch buffer.
            if from.baseAddress != array.baseAddress {
                for i in 0..<n { array[i] = from[i] }
            }
        }
    }
    return inversions
}
