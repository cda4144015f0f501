/// Why one record could not be used: a short reason shared by all records with the same
/// fault (for the summary counts) and a detail naming the offending value.
public struct RecordProblem: Error, Equatable, Sendable {
    public let reason: String
    public let detail: String

    public init(_ reason: String, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

/// A record that was read but left out, with where it came from.
public struct SkippedRecord: Equatable, Sendable, CustomStringConvertible {
    /// Where in its file a skipped record sits.
    public enum Location: Equatable, Sendable {
        /// A line of a text file (1-based; JSONL, CSV, AVA.txt, …).
        case line(Int)
        /// An element of a JSON list (0-based).
        case record(Int)
        /// A record named by a key rather than a position (e.g. a user of a personalized split).
        case key(String)
    }

    public let file: String
    public let location: Location
    public let problem: RecordProblem

    public init(file: String, location: Location, problem: RecordProblem) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    public var description: String {
        let place: String
        switch location {
        case .line(let n): place = "\(file):\(n)"
        case .record(let i): place = "\(file) record \(i)"
        case .key(let k): place = "\(file) [\(k)]"
        }
        return "\(place): \(problem.reason): \(problem.detail)"
    }
}
