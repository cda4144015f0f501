import Foundation

/// Turns one dataset's official annotation files into instruction records. File-level
/// faults (unreadable file, missing column) throw; faulty lines are skipped and listed.
public protocol DatasetConverter {
    func convert() throws -> InstructionSet
}

extension InstructionSet {
    /// Writes the records of each user and split to `<user>.<split>.jsonl` in `folder`
    /// (personalized sets carry `user` and `split` in their metadata); returns the files.
    @discardableResult
    public func writePerUser(to folder: URL) throws -> [URL] {
        let groups = Dictionary(grouping: records) { record in
            "\(record.metadata["user"]?.stringValue ?? "unknown").\(record.metadata["split"]?.stringValue ?? "all")"
        }
        return try groups.keys.sorted().map { key in
            let url = folder.appendingPathComponent("\(key).jsonl")
            try Self.write(groups[key]!, to: url)
            return url
        }
    }
}
