import Foundation

/// One measured figure, optionally against a baseline measured in the same run.
struct BenchResult: Codable {
    let name: String
    let threads: Int
    let size: String
    let unit: String
    let value: Double
    let baseline: Double?
    let baselineName: String?
    /// value / baseline.
    let ratio: Double?

    init(name: String, threads: Int, size: String, unit: String, value: Double,
         baseline: Double? = nil, baselineName: String? = nil) {
        (self.name, self.threads, self.size, self.unit, self.value) = (name, threads, size, unit, value)
        (self.baseline, self.baselineName) = (baseline, baselineName)
        ratio = baseline.map { value / $0 }
    }
}

/// A named benchmark; `run` returns its rows. Add a case by appending to `allBenchmarks`.
struct Benchmark {
    let name: String
    let run: () -> [BenchResult]
}

/// Seconds per call of each body: the fastest of `repeats` rounds after one warm-up, the
/// bodies interleaved within a round so that load from other processes hits them alike.
func secondsPerCall(repeats: Int = 5, _ bodies: [() -> Void]) -> [Double] {
    for body in bodies { body() }
    var best = [Double](repeating: .infinity, count: bodies.count)
    for _ in 0..<repeats {
        for (i, body) in bodies.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
    return best
}

/// Prints results as an aligned table.
func printTable(_ results: [BenchResult]) {
    let header = ["benchmark", "threads", "size", "value", "unit", "baseline", "ratio"]
    let rows = results.map { r in
        [r.name, "\(r.threads)", r.size, String(format: "%.1f", r.value), r.unit,
         r.baseline.map { String(format: "%.1f (%@)", $0, r.baselineName ?? "") } ?? "",
         r.ratio.map { String(format: "%.2f", $0) } ?? ""]
    }
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
    for row in [header] + rows {
        print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
}
