/// Reads back the levels named in a text (a rendered answer or a model's generated one):
/// the text is split into lowercase words, and at each position the longest grammar phrase
/// that starts there is taken (leftmost-longest, non-overlapping), naming its attribute and level.
public struct LevelParser: Sendable {
    private struct Entry: Sendable { let attribute: Attribute; let level: String }
    /// Phrase word sequences → what they name, bucketed by first word.
    private let phrases: [String: [([String], Entry)]]

    /// A parser over the built-in grammar's phrases.
    public init() {
        var phrases: [String: [([String], Entry)]] = [:]
        for attribute in Attribute.allCases {
            for (level, options) in zip(attribute.levels, Grammar.phrases(attribute)) {
                for phrase in options {
                    let words = LevelParser.words(phrase)
                    phrases[words[0], default: []].append((words, Entry(attribute: attribute, level: level)))
                }
            }
        }
        // Longest first, so the first match found at a position is the longest.
        self.phrases = phrases.mapValues { $0.sorted { $0.0.count > $1.0.count } }
    }

    /// Lowercase words of letters, digits and apostrophes; everything else separates.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }

    /// Every (attribute, level) named in `text`, in order of appearance.
    public func mentions(in text: String) -> [(attribute: Attribute, level: String)] {
        let words = LevelParser.words(text)
        var found: [(attribute: Attribute, level: String)] = []
        var i = 0
        while i < words.count {
            let match = phrases[words[i]]?.first { candidate in
                i + candidate.0.count <= words.count && Array(words[i..<(i + candidate.0.count)]) == candidate.0
            }
            if let (phrase, entry) = match {
                found.append((entry.attribute, entry.level))
                i += phrase.count
            } else {
                i += 1
            }
        }
        return found
    }

    /// The level named for each attribute mentioned in `text`; when an attribute is named with
    /// different levels, the first mention wins.
    public func levels(in text: String) -> [Attribute: String] {
        var levels: [Attribute: String] = [:]
        for mention in mentions(in: text) where levels[mention.attribute] == nil {
            levels[mention.attribute] = mention.level
        }
        return levels
    }

    /// The level named for one attribute, or nil when the text names none.
    public func level(of attribute: Attribute, in text: String) -> String? {
        mentions(in: text).first { $0.attribute == attribute }?.level
    }
}
