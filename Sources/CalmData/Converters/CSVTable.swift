import Foundation

/// A comma-separated file with a header row (TAD66K, PARA, FLICKR-AES). Fields may be
/// double-quoted, with `""` for a quote inside; a record never spans lines.
struct CSVTable {
    let file: AnnotationFile
    let header: [String]
    /// Data rows with their line numbers; a row's fields are split when it is read.
    let rows: ArraySlice<(number: Int, text: Substring)>

    init(_ url: URL) throws {
        file = try AnnotationFile(url)
        guard let first = file.lines.first else {
            throw InstructionSetError(file: url.path, message: "empty file, expected a header row")
        }
        header = Self.split(first.text).map { $0.trimmingCharacters(in: .whitespaces) }
        rows = file.lines.dropFirst()
    }

    /// The index of the first of `names` present in the header (case-insensitive);
    /// a missing column makes the whole file unusable.
    func column(_ names: String...) throws -> Int {
        let lowered = header.map { $0.lowercased() }
        for name in names {
            if let index = lowered.firstIndex(of: name.lowercased()) { return index }
        }
        throw InstructionSetError(file: file.url.path,
                                  message: "no column \(names.map { "'\($0)'" }.joined(separator: " or ")) in header \(header)")
    }

    /// The fields of a row, checked to match the header's width.
    func fields(_ row: Substring) throws -> [Substring] {
        let fields = Self.split(row)
        guard fields.count == header.count else {
            throw RecordProblem("wrong field count", "\(fields.count) fields, the header has \(header.count)")
        }
        return fields
    }

    static func split(_ line: Substring) -> [Substring] { CSVLine.fields(line) }
}

/// One CSV line split into fields: comma-separated, fields may be double-quoted with `""` for a
/// quote inside (RFC 4180 without line breaks in quotes). Every CSV reader of calm uses it.
public enum CSVLine {
    public static func fields(_ line: Substring) -> [Substring] {
        let characters = Array(line)
        var fields: [Substring] = []
        var current = ""
        var quoted = false
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if quoted && c == "\"" {
                // Inside quotes, a doubled quote is a literal quote and a single one closes.
                if i + 1 < characters.count && characters[i + 1] == "\"" {
                    current.append(c)
                    i += 1
                } else {
                    quoted = false
                }
            } else if quoted {
                current.append(c)
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(Substring(current))
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        fields.append(Substring(current))
        return fields
    }
}
