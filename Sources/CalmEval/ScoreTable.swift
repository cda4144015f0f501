import Foundation

/// Predicted and ground-truth scores read from a CSV file, one sample per line.
///
/// Layout: a header line naming the columns, then comma-separated numbers (no quoting).
/// `prediction` and `label` are required (scores on the 1–10 scale). Optional score
/// distributions for EMD: `p1...pK` (predicted) and `q1...qK` (ground truth), both with the
/// same K (AVA: K = 10, votes or probabilities for scores 1...10). Other columns, such as an
/// image id, are ignored. Blank lines are skipped.
public struct ScoreTable: Equatable {
    public var predictions: [Double]
    public var labels: [Double]
    /// Per-sample score distributions, or nil when the file has none.
    public var distributions: ScoreDistributions?

    public init(predictions: [Double], labels: [Double], distributions: ScoreDistributions? = nil) {
        self.predictions = predictions
        self.labels = labels
        self.distributions = distributions
    }

    /// Reads a score table; errors name the file, the line and the column at fault.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw EvalError.badFile(path: url.path, location: nil, reason: "cannot read as UTF-8 text (\(error.localizedDescription))")
        }
        try self.init(csv: text, path: url.path)
    }

    /// Parses CSV text; `path` only names the source in errors.
    public init(csv text: String, path: String) throws {
        let lines = csvLines(text)
        guard let header = lines.first else {
            throw EvalError.badFile(path: path, location: nil, reason: "empty file: expected a header line with 'prediction,label'")
        }
        func column(_ name: String) -> Int? { header.fields.firstIndex(of: name) }
        func badHeader(_ reason: String) -> EvalError { .badFile(path: path, location: "line \(header.number) (header)", reason: reason) }

        guard let predictionColumn = column("prediction") else { throw badHeader("missing column 'prediction'") }
        guard let labelColumn = column("label") else { throw badHeader("missing column 'label'") }
        func distributionColumns(_ prefix: String) -> [Int] {
            var columns: [Int] = []
            while let index = column("\(prefix)\(columns.count + 1)") { columns.append(index) }
            return columns
        }
        let pColumns = distributionColumns("p"), qColumns = distributionColumns("q")
        guard pColumns.count == qColumns.count else {
            throw badHeader("distribution columns p1...p\(pColumns.count) and q1...q\(qColumns.count) differ in number")
        }
        let hasDistributions = !pColumns.isEmpty

        var predictions: [Double] = [], labels: [Double] = []
        var predicted: [[Double]] = [], groundTruth: [[Double]] = []
        for line in lines.dropFirst() {
            guard line.fields.count == header.fields.count else {
                throw EvalError.badFile(path: path, location: "line \(line.number)",
                                        reason: "\(line.fields.count) fields but the header has \(header.fields.count)")
            }
            func number(_ index: Int) throws -> Double {
                guard let value = Double(line.fields[index]), value.isFinite else {
                    throw EvalError.badFile(path: path, location: "line \(line.number), column '\(header.fields[index])'",
                                            reason: "'\(line.fields[index])' is not a finite number")
                }
                return value
            }
            predictions.append(try number(predictionColumn))
            labels.append(try number(labelColumn))
            if hasDistributions {
                predicted.append(try pColumns.map(number))
                groundTruth.append(try qColumns.map(number))
            }
        }
        guard !predictions.isEmpty else {
            throw EvalError.badFile(path: path, location: nil, reason: "no samples after the header line")
        }
        self.init(predictions: predictions, labels: labels,
                  distributions: hasDistributions ? ScoreDistributions(predicted: predicted, groundTruth: groundTruth) : nil)
    }
}

/// The numbered lines of CSV text split into fields without surrounding whitespace; blank
/// lines are skipped. Works on UTF-8 bytes: breaking Characters would dominate the time.
private func csvLines(_ text: String) -> [(number: Int, fields: [String])] {
    var lines: [(number: Int, fields: [String])] = []
    for (offset, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trimmedField)
        if fields != [""] { lines.append((offset + 1, fields)) }
    }
    return lines
}

/// A field without leading and trailing spaces, tabs and carriage returns.
private func trimmedField(_ bytes: Substring.UTF8View) -> String {
    let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
    var field = bytes
    while let first = field.first, isBlank(first) { field = field.dropFirst() }
    while let last = field.last, isBlank(last) { field = field.dropLast() }
    return String(decoding: field, as: UTF8.self)
}

/// Predicted and ground-truth histograms over the same score bins, one row per sample.
public struct ScoreDistributions: Equatable {
    public var predicted: [[Double]]
    public var groundTruth: [[Double]]

    public init(predicted: [[Double]], groundTruth: [[Double]]) {
        self.predicted = predicted
        self.groundTruth = groundTruth
    }
}
