import Foundation

/// AVA (Murray et al. 2012). `AVA.txt` lines hold 15 whitespace-separated fields: index,
/// image id, the vote counts for scores 1…10, two semantic tag ids and the challenge id.
/// The mean opinion score is Σ i·nᵢ / Σ nᵢ on the 1–10 scale; the 10-bin distribution is kept.
/// An optional split file (`generic_test.jpgl`, one image id per line) selects the images.
public struct AVAConverter: DatasetConverter {
    public var annotations: URL
    public var splitFile: URL?
    public var style: ScoreAnswerStyle

    public init(annotations: URL, splitFile: URL? = nil, style: ScoreAnswerStyle = .level) {
        self.annotations = annotations
        self.splitFile = splitFile
        self.style = style
    }

    public func convert() throws -> InstructionSet {
        let instruction = ScoringInstruction(dataset: "ava", scale: .oneToTen, style: style)
        let file = try AnnotationFile(annotations)
        let split = try splitFile.map(Self.readSplit)
        var set = InstructionSet()
        var seen: Set<String> = []
        for line in file.lines {
            try set.collect(file: file.name, at: .line(line.number)) {
                let fields = AnnotationFile.fields(line.text)
                guard fields.count == 15 else {
                    throw RecordProblem("wrong field count", "\(fields.count) fields, expected 15")
                }
                let id = String(fields[1])
                let votes = try (1...10).map { Double(try Field.count(fields[1 + $0], "votes for score \($0)")) }
                var metadata = try ScoringInstruction.distribution(bins: (1...10).map(Double.init), counts: votes)
                metadata["tags"] = .array(try fields[12...13].map { .int(try Field.count($0, "semantic tag")) })
                metadata["challenge"] = .int(try Field.count(fields[14], "challenge id"))
                if let split { metadata["split"] = .string(split.name) }
                let mos = zip(1...10, votes).reduce(0) { $0 + Double($1.0) * $1.1 } / votes.reduce(0, +)
                let record = try instruction.record(id: id, image: "\(id).jpg", score: mos, metadata: metadata)
                // Faulty lines are reported whether or not the split selects them.
                guard split?.ids.contains(id) ?? true else { return [] }
                seen.insert(id)
                return [record]
            }
        }
        // Split ids absent from AVA.txt are reported, so a wrong split file is noticed.
        if let split {
            for (number, id) in split.lines where !seen.contains(id) {
                set.skipped.append(SkippedRecord(file: split.file, location: .line(number),
                                                 problem: RecordProblem("unknown image", "'\(id)' is not in \(file.name)")))
            }
        }
        return set
    }

    /// The ids of a split file, named after the file (`generic_test`).
    private static func readSplit(_ url: URL) throws -> (name: String, file: String, ids: Set<String>, lines: [(Int, String)]) {
        let file = try AnnotationFile(url)
        let lines = file.lines.map { ($0.number, $0.text.trimmingCharacters(in: .whitespaces)) }
        return (url.deletingPathExtension().lastPathComponent, file.name, Set(lines.map(\.1)), lines)
    }
}
