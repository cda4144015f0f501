import Foundation

/// The non-blank lines of a text annotation file, with their 1-based numbers, so that
/// every fault can be reported as `file:line`.
struct AnnotationFile {
    let url: URL
    let lines: [(number: Int, text: Substring)]

    /// The file name used in reports.
    var name: String { url.lastPathComponent }

    init(_ url: URL) throws {
        let data = try InstructionSetError.contents(of: url)
        guard var text = String(data: data, encoding: .utf8) else {
            throw InstructionSetError(file: url.path, message: "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        self.url = url
        // Split on "\n" and "\r\n" alike: Swift treats "\r\n" as one Character.
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .enumerated()
            .map { (number: $0.offset + 1, text: $0.element) }
            .filter { !$0.text.allSatisfy(\.isWhitespace) }
    }

    /// Whitespace-separated fields (AVA.txt, AADB lists, split files).
    static func fields(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: \.isWhitespace)
    }
}

/// Field parsing that reports bad values as record problems.
enum Field {
    static func number(_ text: Substring, _ what: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw RecordProblem("bad number", "\(what) is '\(trimmed)', not a number")
        }
        return value
    }

    static func count(_ text: Substring, _ what: String) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw RecordProblem("bad number", "\(what) is '\(text)', not a count")
        }
        return value
    }

    static func nonEmpty(_ text: Substring, _ what: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RecordProblem("missing value", "\(what) is empty") }
        return trimmed
    }
}
