import Foundation

/// The five answer levels of the scoring instruction (after Q-Align), worst first.
public enum AestheticLevel: Int, CaseIterable, Sendable {
    case bad = 1, poor, fair, good, excellent

    /// The word the answer uses.
    public var word: String { "\(self)" }
}

/// A dataset's score range. The level of a score comes from cutting the range into five
/// equal bins, each closed below and open above, the top one also holding `highest`:
/// bin edges are `lowest + k·(highest − lowest)/5` for k = 1…4. For AVA and TAD66K (1–10)
/// the edges are 2.8, 4.6, 6.4, 8.2; for PARA and FLICKR-AES (1–5) 1.8, 2.6, 3.4, 4.2;
/// for AADB (0–1) 0.2, 0.4, 0.6, 0.8. Edges are meant as the decimals written here:
/// a score within 1e-9 bin widths below an edge counts as on it (0.6 is `good`, although
/// 3 × 0.2 is 0.6000000000000001 in binary).
public struct ScoreScale: Equatable, Sendable, CustomStringConvertible {
    public let lowest: Double
    public let highest: Double

    public init(_ lowest: Double, _ highest: Double) {
        precondition(lowest < highest, "a score scale needs lowest < highest")
        self.lowest = lowest
        self.highest = highest
    }

    public static let oneToTen = ScoreScale(1, 10)
    public static let oneToFive = ScoreScale(1, 5)
    public static let unit = ScoreScale(0, 1)

    /// The level of a score inside the scale.
    public func level(of score: Double) -> AestheticLevel {
        let position = (score - lowest) * 5 / (highest - lowest)
        let bin = Int((position + 1e-9).rounded(.down))
        return AestheticLevel(rawValue: min(max(bin, 0), 4) + 1)!
    }

    /// Checks that a score is a finite number inside the scale.
    func validate(_ score: Double, _ what: String) throws {
        guard score.isFinite, score >= lowest, score <= highest else {
            throw RecordProblem("out of range", "\(what) \(score) is outside \(self)")
        }
    }

    /// "1 to 10", as prompts and messages write it.
    public var description: String { "\(Self.format(lowest)) to \(Self.format(highest))" }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
