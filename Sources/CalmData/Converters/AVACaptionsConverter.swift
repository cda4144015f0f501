import Foundation

/// AVA-Captions (Ghosal et al. 2019) in the Karpathy-split layout:
/// `{"images": [{"filename": …, "filepath"?: …, "split": …, "sentences": [{"raw": …}, …]}, …]}`.
/// Each image becomes a commenting instruction answered by its first comment (or, with
/// `eachComment`, one record per comment); all comments stay in `references` for evaluation.
public struct AVACaptionsConverter: DatasetConverter {
    public static let prompt = "\(InstructionRecord.imagePlaceholder)\nCritique this photo."

    public var annotations: URL
    /// Keeps only images of this split (`train`, `val`, `test`); nil keeps all.
    public var split: String?
    public var eachComment: Bool

    public init(annotations: URL, split: String? = nil, eachComment: Bool = false) {
        self.annotations = annotations
        self.split = split
        self.eachComment = eachComment
    }

    public func convert() throws -> InstructionSet {
        let root = try JSONValue.parse(InstructionSetError.contents(of: annotations), file: annotations)
        guard let images = root.objectValue?["images"]?.arrayValue else {
            throw InstructionSetError(file: annotations.path, message: "expected an object with an 'images' list")
        }
        var set = InstructionSet()
        for (index, entry) in images.enumerated() {
            try set.collect(file: annotations.lastPathComponent, at: .record(index)) { try records(for: entry) }
        }
        return set
    }

    private func records(for entry: JSONValue) throws -> [InstructionRecord] {
        guard let object = entry.objectValue else { throw RecordProblem("not an object", "the entry is \(entry.typeName)") }
        guard let filename = object["filename"]?.stringValue, !filename.isEmpty else {
            throw RecordProblem("missing key", "no string 'filename'")
        }
        let entrySplit = object["split"]?.stringValue
        if let split, entrySplit != split { return [] }
        guard let sentences = object["sentences"]?.arrayValue else {
            throw RecordProblem("missing key", "no 'sentences' list")
        }
        let comments = try sentences.enumerated().compactMap { index, sentence -> String? in
            guard let raw = sentence.objectValue?["raw"]?.stringValue else {
                throw RecordProblem("wrong type", "sentence \(index) has no string 'raw'")
            }
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        guard !comments.isEmpty else { throw RecordProblem("no comments", "'\(filename)' has no non-empty comment") }

        let image = object["filepath"]?.stringValue.map { "\($0)/\(filename)" } ?? filename
        let id = (filename as NSString).deletingPathExtension
        var metadata: [String: JSONValue] = [
            "task": "commenting", "dataset": "ava-captions", "references": .array(comments.map { .string($0) }),
        ]
        if let entrySplit { metadata["split"] = .string(entrySplit) }
        let answers = eachComment ? Array(comments.enumerated()) : [(0, comments[0])]
        return answers.map { index, comment in
            InstructionRecord(id: eachComment ? "\(id)#\(index)" : id, images: [image],
                              conversations: [Turn(.human, Self.prompt), Turn(.gpt, comment)], metadata: metadata)
        }
    }
}
