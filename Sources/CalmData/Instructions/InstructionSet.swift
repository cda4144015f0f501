import CalmHDF5
import Foundation

/// A file-level failure: the file cannot be read, is not JSON at all, or cannot be written.
/// (Faults in single records are not errors: they are skipped and counted.)
public struct InstructionSetError: Error, CustomStringConvertible {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }

    /// The bytes of a file, or an error naming it.
    static func contents(of url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InstructionSetError(file: url.path, message: "cannot read the file")
        }
        return data
    }
}

/// Instruction records with the records that were left out on the way (by a reader or a
/// converter), so that every run can say what it dropped and why.
public struct InstructionSet: Sendable {
    public var records: [InstructionRecord]
    public var skipped: [SkippedRecord]

    public init(records: [InstructionRecord] = [], skipped: [SkippedRecord] = []) {
        self.records = records
        self.skipped = skipped
    }

    /// Appends the records `make` returns, or a skipped entry when it throws a `RecordProblem`.
    /// Any other error is a file-level failure and propagates.
    public mutating func collect(file: String, at location: SkippedRecord.Location,
                                 _ make: () throws -> [InstructionRecord]) rethrows {
        do {
            records += try make()
        } catch let problem as RecordProblem {
            skipped.append(SkippedRecord(file: file, location: location, problem: problem))
        }
    }

    /// Moves records whose images `source` lacks into `skipped`.
    public mutating func dropRecordsWithMissingImages(in source: ImageSource, file: String) {
        var kept: [InstructionRecord] = []
        for record in records {
            if let missing = record.images.first(where: { !source.contains($0) }) {
                skipped.append(SkippedRecord(file: file, location: .key(record.id),
                                             problem: RecordProblem("missing image", "'\(missing)' not found")))
            } else {
                kept.append(record)
            }
        }
        records = kept
    }

    /// Skip counts per reason, most frequent first.
    public var skippedByReason: [(reason: String, count: Int)] {
        Dictionary(grouping: skipped, by: \.problem.reason)
            .map { (reason: $0.key, count: $0.value.count) }
            .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
    }

    /// A few lines for a person: counts, reasons, and the first skipped records in full.
    public func summary(examples: Int = 10) -> String {
        var lines = ["\(records.count) records, \(skipped.count) skipped"]
        lines += skippedByReason.map { "  \($0.reason): \($0.count)" }
        lines += skipped.prefix(examples).map { "  - \($0)" }
        if skipped.count > examples { lines.append("  … and \(skipped.count - examples) more") }
        return lines.joined(separator: "\n")
    }
}

extension InstructionSet {
    /// Reads a LLaVA-style file: a JSON list of records, or JSONL (one record per line),
    /// told apart by the first non-blank character. Malformed records are skipped with
    /// their line (JSONL) or index (JSON list). With `images`, records whose images the
    /// source lacks are skipped too.
    public static func read(_ url: URL, images: ImageSource? = nil) throws -> InstructionSet {
        let data = try InstructionSetError.contents(of: url)
        let name = url.lastPathComponent
        let bytes = [UInt8](data)
        var set = InstructionSet()
        if bytes.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "[") {
            let list = try JSONValue.parse(data, file: url)
            for (index, item) in (list.arrayValue ?? []).enumerated() {
                try set.collect(file: name, at: .record(index)) { [try InstructionRecord(json: item)] }
            }
        } else {
            for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(isJSONWhitespace) {
                try set.collect(file: name, at: .line(index + 1)) {
                    let value: JSONValue
                    do {
                        value = try JSONParser.parse(line)
                    } catch let syntax as JSONSyntaxError {
                        throw RecordProblem("bad JSON", "\(syntax)")
                    }
                    return [try InstructionRecord(json: value)]
                }
            }
        }
        if let images { set.dropRecordsWithMissingImages(in: images, file: name) }
        return set
    }

    /// Writes the records as JSONL, one record per line with sorted keys, atomically.
    public func write(to url: URL) throws {
        try Self.write(records, to: url)
    }

    /// Writes records as JSONL, one record per line with sorted keys, atomically.
    public static func write(_ records: [InstructionRecord], to url: URL) throws {
        var bytes: [UInt8] = []
        for record in records {
            bytes += record.json.serialized
            bytes.append(UInt8(ascii: "\n"))
        }
        do {
            try AtomicFile.write(Data(bytes), to: url.path)
        } catch {
            throw InstructionSetError(file: url.path, message: "write failed: \(error)")
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
