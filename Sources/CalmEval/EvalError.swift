/// Why an evaluation could not be computed.
public enum EvalError: Error, Equatable, CustomStringConvertible {
    /// Metric inputs that cannot be scored: too few samples, lengths that differ, non-finite values.
    case invalidInput(String)
    /// A file that cannot be read or parsed; `location` names the line, column or id when known.
    case badFile(path: String, location: String?, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let reason):
            return reason
        case .badFile(let path, let location, let reason):
            return "\(path)" + (location.map { ", \($0)" } ?? "") + ": \(reason)"
        }
    }
}

/// Checks that two paired samples can be compared: same length, at least `minimumCount`, all finite.
func checkPaired(_ x: [Double], _ y: [Double], metric: String, minimumCount: Int = 2) throws {
    guard x.count == y.count else {
        throw EvalError.invalidInput("\(metric): \(x.count) predictions but \(y.count) labels")
    }
    guard x.count >= minimumCount else {
        throw EvalError.invalidInput("\(metric) needs at least \(minimumCount) samples, got \(x.count)")
    }
    if let bad = x.indices.first(where: { !x[$0].isFinite || !y[$0].isFinite }) {
        throw EvalError.invalidInput("\(metric): sample \(bad) is not finite (\(x[bad]), \(y[bad]))")
    }
}
