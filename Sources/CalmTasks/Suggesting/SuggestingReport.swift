import CalmImage
import Foundation

/// What happened to one suggestion: what was asked about, what the model said, what it did.
public struct SuggestionOutcome: Sendable {
    public let id: String
    public let suggestion: String
    /// The corrections parsed from the suggestion, applied in order.
    public let corrections: [Correction]
    public let scoreBefore: Double
    /// The score of the corrected image; equal to `scoreBefore` when nothing was parsed.
    public let scoreAfter: Double
    /// The degradation the image is known to carry (benchmark images only).
    public let degradation: Degradation?

    /// Asks `model` for a suggestion on `image`, applies what it names, and re-scores.
    /// `corrected` receives the edited image (the input itself when nothing was parsed).
    public static func run(id: String, image: RGBImage, degradation: Degradation? = nil, model: AestheticModel,
                           corrected: ((RGBImage) throws -> Void)? = nil) throws -> SuggestionOutcome {
        let suggestion = try model.answer(SuggestionText.prompt, images: [image])
        let corrections = SuggestionText.corrections(in: suggestion)
        let edited = corrections.reduce(image) { $1.applied(to: $0) }
        try corrected?(edited)
        let before = try model.score(image)
        let after = corrections.isEmpty ? before : try model.score(edited)
        return SuggestionOutcome(id: id, suggestion: suggestion, corrections: corrections,
                                 scoreBefore: before, scoreAfter: after, degradation: degradation)
    }

    /// Whether any parsed correction undoes the known degradation.
    public var namesInverse: Bool {
        guard let degradation else { return false }
        return corrections.contains { degradation.isUndone(by: $0) }
    }
}

/// `calm eval suggesting`: over images with known degradations, how often the suggestion names
/// the inverse edit, how often it names any known edit, and the mean score gain once applied.
public struct SuggestingReport: Equatable, Sendable {
    public let count: Int
    /// Fraction of suggestions naming at least one known edit.
    public let parsedRate: Double
    /// Fraction of suggestions naming the inverse of the applied degradation.
    public let inverseRate: Double
    /// Mean of `scoreAfter − scoreBefore` over all images (0 for unparsed suggestions).
    public let meanGain: Double
    /// The same gain with the true inverse applied instead: what a perfect suggester would get.
    public let oracleGain: Double?

    public init(_ outcomes: [SuggestionOutcome], oracleGains: [Double]? = nil) throws {
        guard !outcomes.isEmpty else { throw TaskError("suggesting: no outcomes to report") }
        let n = Double(outcomes.count)
        count = outcomes.count
        parsedRate = Double(outcomes.filter { !$0.corrections.isEmpty }.count) / n
        inverseRate = Double(outcomes.filter(\.namesInverse).count) / n
        meanGain = outcomes.reduce(0) { $0 + $1.scoreAfter - $1.scoreBefore } / n
        oracleGain = oracleGains.map { $0.reduce(0, +) / Double(max($0.count, 1)) }
    }

    /// One JSON object on one line.
    public var json: String {
        var fields: [(String, Double)] = [("count", Double(count)), ("parsed_rate", parsedRate),
                                          ("inverse_rate", inverseRate), ("mean_gain", meanGain)]
        if let oracleGain { fields.append(("oracle_gain", oracleGain)) }
        return jsonObject(fields)
    }
}

/// A flat JSON object of numbers, keys in order; non-finite values as `null`.
func jsonObject(_ fields: [(String, Double)]) -> String {
    "{" + fields.map { "\"\($0.0)\": " + ($0.1.isFinite ? "\($0.1)" : "null") }.joined(separator: ", ") + "}"
}
