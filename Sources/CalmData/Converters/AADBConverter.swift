import Foundation

/// AADB (Kong et al. 2016). A folder of per-attribute lists `imgList<Split>Regression_<attr>.txt`
/// (split `Train`, `Validation`, `Test`, `TestNew`), one `image value` pair per line. The overall
/// `score` lies in 0–1; the eleven attributes (official file spelling, including
/// `BalacingElements`) lie in −1…1 and go into the metadata under `attributes`.
public struct AADBConverter: DatasetConverter {
    /// Official attribute file names with the words an attribute answer uses.
    public static let attributes: [(file: String, words: String)] = [
        ("BalacingElements", "balancing elements"), ("ColorHarmony", "color harmony"),
        ("Content", "interesting content"), ("DoF", "shallow depth of field"), ("Light", "good lighting"),
        ("MotionBlur", "motion blur"), ("Object", "object emphasis"), ("Repetition", "repetition"),
        ("RuleOfThirds", "rule of thirds"), ("Symmetry", "symmetry"), ("VividColor", "vivid color"),
    ]
    /// The follow-up question of `describeAttributes`.
    public static let attributeQuestion = "Describe its aesthetic attributes."

    public var folder: URL
    public var split: String
    public var style: ScoreAnswerStyle
    /// Adds a second turn that names each attribute as negative, neutral or positive
    /// (the −1…1 range cut in thirds).
    public var describeAttributes: Bool

    public init(folder: URL, split: String, style: ScoreAnswerStyle = .level, describeAttributes: Bool = false) {
        self.folder = folder
        self.split = split
        self.style = style
        self.describeAttributes = describeAttributes
    }

    /// The list file of one attribute (or `score`) in this split.
    public func listFile(_ attribute: String) -> URL {
        folder.appendingPathComponent("imgList\(split)Regression_\(attribute).txt")
    }

    public func convert() throws -> InstructionSet {
        let instruction = ScoringInstruction(dataset: "aadb", scale: .unit, style: style)
        var set = InstructionSet()
        // Attribute lists are optional; a faulty attribute line is skipped and that image lacks the value.
        var values: [String: [String: Double]] = [:]
        for (attribute, _) in Self.attributes where FileManager.default.fileExists(atPath: listFile(attribute).path) {
            let file = try AnnotationFile(listFile(attribute))
            for line in file.lines {
                try set.collect(file: file.name, at: .line(line.number)) {
                    let (image, value) = try Self.pair(line.text, scale: ScoreScale(-1, 1))
                    values[image, default: [:]][attribute] = value
                    return []
                }
            }
        }
        let scores = try AnnotationFile(listFile("score"))
        for line in scores.lines {
            try set.collect(file: scores.name, at: .line(line.number)) {
                let (image, score) = try Self.pair(line.text, scale: .unit)
                let own = values[image] ?? [:]
                var metadata: [String: JSONValue] = ["split": .string(split)]
                if !own.isEmpty { metadata["attributes"] = .object(own.mapValues { .double($0) }) }
                let followUp = describeAttributes && !own.isEmpty
                    ? [Turn(.human, Self.attributeQuestion), Turn(.gpt, Self.describe(own))] : []
                return [try instruction.record(id: image, image: image, score: score, metadata: metadata, followUp: followUp)]
            }
        }
        return set
    }

    /// "Balancing elements: neutral; color harmony: positive; …" in the table's order.
    static func describe(_ values: [String: Double]) -> String {
        let parts = Self.attributes.compactMap { attribute, words -> String? in
            guard let value = values[attribute] else { return nil }
            let judgement = value < -1.0 / 3 ? "negative" : value > 1.0 / 3 ? "positive" : "neutral"
            return "\(words): \(judgement)"
        }
        let sentence = parts.joined(separator: "; ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst() + "."
    }

    private static func pair(_ line: Substring, scale: ScoreScale) throws -> (String, Double) {
        let fields = AnnotationFile.fields(line)
        guard fields.count == 2 else { throw RecordProblem("wrong field count", "\(fields.count) fields, expected 2") }
        let value = try Field.number(fields[1], "value")
        try scale.validate(value, "value")
        return (String(fields[0]), value)
    }
}
