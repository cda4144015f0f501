/// How well named levels match target levels, per attribute: the tally behind the pretraining
/// evaluation. A question "asks" for the attributes of its scale; the answer may name some of
/// them (coverage), and a named level is correct when it equals the target (accuracy). Two
/// baselines come with it: uniform chance over the levels, and always naming the most frequent
/// target level (a stricter one when levels are unbalanced). Balanced accuracy (the mean over
/// target levels of the share of their questions answered with that level, unnamed counting as
/// wrong) is what separates a model from that majority answer: always naming one level scores
/// 1 / (levels that occur) on it, whatever the imbalance.
public struct LevelAccuracy: Sendable {
    public struct Row: Equatable, Sendable {
        public var attribute: Attribute
        /// Questions whose target included the attribute.
        public var asked: Int
        /// Answers that named a level of it.
        public var named: Int
        /// Named levels equal to the target.
        public var correct: Int
        /// `correct / named` (nil when never named).
        public var accuracy: Double? { named > 0 ? Double(correct) / Double(named) : nil }
        /// `named / asked`.
        public var coverage: Double { asked > 0 ? Double(named) / Double(asked) : 0 }
        /// 1 / number of levels.
        public var chance: Double { 1 / Double(attribute.levels.count) }
        /// The share of the most frequent target level among the questions that asked.
        public var majority: Double
        /// The mean over the target levels that occur of correct / asked for that level.
        public var balancedAccuracy: Double
    }

    private var asked: [Attribute: Int] = [:], named: [Attribute: Int] = [:], correct: [Attribute: Int] = [:]
    private var targetCounts: [Attribute: [String: Int]] = [:], correctCounts: [Attribute: [String: Int]] = [:]

    public init() {}

    /// Records one answer: `targets` are the levels it should name, `named` what it named
    /// (e.g. `LevelParser.levels(in:)`); named attributes without a target are ignored.
    public mutating func record(targets: [Attribute: String], named answer: [Attribute: String]) {
        for (attribute, target) in targets {
            asked[attribute, default: 0] += 1
            targetCounts[attribute, default: [:]][target, default: 0] += 1
            guard let level = answer[attribute] else { continue }
            named[attribute, default: 0] += 1
            if level == target {
                correct[attribute, default: 0] += 1
                correctCounts[attribute, default: [:]][target, default: 0] += 1
            }
        }
    }

    /// One row per attribute that was asked, in declaration order.
    public var rows: [Row] {
        Attribute.allCases.compactMap { attribute in
            guard let asked = asked[attribute], let targets = targetCounts[attribute] else { return nil }
            let recalls = targets.map { level, count in Double(correctCounts[attribute]?[level] ?? 0) / Double(count) }
            return Row(attribute: attribute, asked: asked, named: named[attribute, default: 0], correct: correct[attribute, default: 0],
                       majority: Double(targets.values.max()!) / Double(asked),
                       balancedAccuracy: recalls.reduce(0, +) / Double(recalls.count))
        }
    }
}
