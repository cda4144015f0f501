import Foundation

/// How a scoring answer is phrased.
public enum ScoreAnswerStyle: Sendable {
    /// "The aesthetic quality of the image is good."
    case level
    /// The score itself with two decimals: "6.53".
    case numeric
}

/// Builds scoring instruction records for one dataset. Every record keeps the raw score,
/// the scale and the level in its metadata, so evaluation never has to re-read annotations.
public struct ScoringInstruction: Sendable {
    public let dataset: String
    public let scale: ScoreScale
    public let style: ScoreAnswerStyle
    /// `scoring`, or `personalized_scoring` for one user's ratings.
    public let task: String

    public init(dataset: String, scale: ScoreScale, style: ScoreAnswerStyle, task: String = "scoring") {
        self.dataset = dataset
        self.scale = scale
        self.style = style
        self.task = task
    }

    /// The question, with the image placeholder first.
    public var prompt: String {
        switch style {
        case .level:
            return "\(InstructionRecord.imagePlaceholder)\nHow would you rate the aesthetic quality of this image?"
        case .numeric:
            return "\(InstructionRecord.imagePlaceholder)\nRate the aesthetic quality of this image from \(scale). Answer with the score only."
        }
    }

    /// The answer for a score inside the scale.
    public func answer(for score: Double) -> String {
        switch style {
        case .level: return "The aesthetic quality of the image is \(scale.level(of: score).word)."
        case .numeric: return String(format: "%.2f", score)
        }
    }

    /// A one-image scoring record; `metadata` adds dataset-specific facts, `followUp` more turns.
    public func record(id: String, image: String, score: Double, metadata: [String: JSONValue] = [:],
                       followUp: [Turn] = []) throws -> InstructionRecord {
        try scale.validate(score, "score")
        var facts: [String: JSONValue] = [
            "task": .string(task),
            "dataset": .string(dataset),
            "score": .double(score),
            "scale": [.double(scale.lowest), .double(scale.highest)],
            "level": .string(scale.level(of: score).word),
        ]
        facts.merge(metadata, uniquingKeysWith: { _, specific in specific })
        return InstructionRecord(id: id, images: [image],
                                 conversations: [Turn(.human, prompt), Turn(.gpt, answer(for: score))] + followUp,
                                 metadata: facts)
    }

    /// A rating histogram as metadata: `distribution` (normalized to sum 1) over the scores in
    /// `distributionBins`, and `votes` (the raw total), for EMD and distribution losses.
    public static func distribution(bins: [Double], counts: [Double]) throws -> [String: JSONValue] {
        let total = counts.reduce(0, +)
        guard counts.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0 else {
            throw RecordProblem("bad distribution", "counts \(counts) must be non-negative with a positive sum")
        }
        return [
            "distribution": .array(counts.map { .double($0 / total) }),
            "distributionBins": .array(bins.map { .double($0) }),
            "votes": .double(total),
        ]
    }
}
