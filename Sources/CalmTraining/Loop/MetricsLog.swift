import CalmHDF5
import Foundation

/// `RUN_DIR/metrics.jsonl`: one JSON object per line, appended as the run goes.
public final class MetricsLog {
    public let path: String
    private let handle: FileHandle

    /// Opens the log for appending. When resuming at `resumeStep`, records of later steps (written
    /// after that checkpoint by the interrupted run) and any torn last line are dropped first, so
    /// the log reads as if the run had never stopped. A fresh run (`resumeStep` nil) starts it empty.
    public init(path: String, resumeStep: Int?) throws {
        self.path = path
        var kept: [Substring] = []
        if let resumeStep, let data = FileManager.default.contents(atPath: path) {
            kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = object["step"] as? Int else { return false }
                return step <= resumeStep
            }
        }
        try AtomicFile.write(Data(kept.map { $0 + "\n" }.joined().utf8), to: path)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw TrainingError("\(path): cannot open the metrics log") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Appends one record. Non-finite numbers become null; doubles are written in Swift's shortest
    /// round-trip form, so logged losses compare exactly.
    public func append(_ fields: [(String, MetricValue)]) {
        handle.write(Data((MetricValue.record(fields).json + "\n").utf8))
    }

    /// Every record of a metrics log, parsed (for `calm plot` and tests).
    public static func read(_ path: String) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError("\(path): cannot read the metrics log") }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated().map { index, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TrainingError("\(path):\(index + 1): not a JSON object")
            }
            return object
        }
    }
}

/// A value in a metrics record.
public indirect enum MetricValue {
    case int(Int)
    case double(Double)
    case string(String)
    case record([(String, MetricValue)])

    var json: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return value.isFinite ? "\(value)" : "null"
        case .string(let value): return Self.quote(value)
        case .record(let fields): return "{" + fields.map { "\(Self.quote($0.0)): \($0.1.json)" }.joined(separator: ", ") + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }
}
