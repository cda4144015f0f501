import Foundation

/// One candidate image of an ingest.
public struct ShardSource: Equatable, Sendable {
    /// Where the file is.
    public var path: String
    /// The id stored in the shard: the path relative to the ingested folder, or the line of the list file.
    public var id: String
}

public enum ShardSources {
    /// The extensions ingest picks up from folders (case-insensitive).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "webp"]

    /// The images of `source`: a folder (searched recursively, sorted by path) or a list file
    /// (one path per line, relative paths taken from the list's folder; blank lines and `#` comments skipped).
    public static func list(_ source: String) throws -> [ShardSource] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder) else {
            throw ShardError(source, "no such file or folder")
        }
        return isFolder.boolValue ? try listFolder(source) : try listFile(source)
    }

    private static func listFolder(_ folder: String) throws -> [ShardSource] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { throw ShardError(folder, "cannot list folder") }
        var found: [ShardSource] = []
        while let relative = walker.nextObject() as? String {
            guard imageExtensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
            found.append(ShardSource(path: folder + "/" + relative, id: relative))
        }
        return found.sorted { $0.id < $1.id }
    }

    private static func listFile(_ list: String) throws -> [ShardSource] {
        guard let text = try? String(contentsOfFile: list, encoding: .utf8) else { throw ShardError(list, "cannot read list file as UTF-8") }
        let base = (list as NSString).deletingLastPathComponent
        return text.split(whereSeparator: \.isNewline).compactMap { line -> ShardSource? in
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { return nil }
            let path = entry.hasPrefix("/") || base.isEmpty ? entry : base + "/" + entry
            return ShardSource(path: path, id: entry)
        }
    }
}

/// Labels from a CSV file: `key,value[,value...]` per line, where the key is an image id or file
/// name; an optional header line names the columns. Fields may be double-quoted (`CSVLine`).
public struct ShardLabelTable: Sendable {
    public let path: String
    public let columnNames: [String]
    private let rows: [String: [Float]]

    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ShardError(path, "cannot read labels file as UTF-8") }
        self.path = path
        var names: [String]?
        var rows: [String: [Float]] = [:]
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = CSVLine.fields(line).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count > 1 || !(fields.first ?? "").isEmpty else { continue }
            let place = "\(path):\(number + 1)"
            guard fields.count >= 2 else { throw ShardError(place, "expected a key and at least one value") }
            let values = fields.dropFirst().map { Float($0) }
            if names == nil && rows.isEmpty && values.contains(nil) {
                names = Array(fields.dropFirst())  // a header line
                continue
            }
            let width = names?.count ?? rows.first?.value.count ?? values.count
            guard values.count == width else { throw ShardError(place, "\(values.count) values, expected \(width)") }
            guard let numbers = values as? [Float] else { throw ShardError(place, "a value is not a number") }
            guard rows.updateValue(numbers, forKey: fields[0]) == nil else { throw ShardError(place, "duplicate key '\(fields[0])'") }
        }
        guard let width = names?.count ?? rows.first?.value.count else { throw ShardError(path, "no labels in file") }
        columnNames = names ?? (width == 1 ? ["label"] : (0..<width).map { "label\($0)" })
        self.rows = rows
    }

    /// The labels of an image, looked up by id, then by file name.
    public func labels(for source: ShardSource) -> [Float]? {
        rows[source.id] ?? rows[(source.path as NSString).lastPathComponent]
    }
}
