/// Renders one attribute's level as a sentence: a random paraphrase from the grammar (every
/// frame × phrase), optionally extended or replaced by a cue bank.
public struct SentenceRenderer: Sendable {
    public let cueBank: CueBank?

    public init(cueBank: CueBank? = nil) { self.cueBank = cueBank }

    /// All template paraphrases of a level, before `{which}`/`{amount}` substitution.
    public static func templateSentences(_ attribute: Attribute, level: String) -> [String] {
        guard let index = attribute.levels.firstIndex(of: level) else { return [] }
        return Grammar.frames(attribute).flatMap { frame in
            Grammar.phrases(attribute)[index].map { phrase in capitalizedFirst(frame.replacingOccurrences(of: "{}", with: phrase)) }
        }
    }

    /// The sentences a level is drawn from, after applying the cue bank.
    public func candidates(_ attribute: Attribute, level: String) -> [String] {
        let templates = SentenceRenderer.templateSentences(attribute, level: level)
        guard let bank = cueBank, let cues = bank.sentences[attribute]?[level] else { return templates }
        return bank.mode == .replace ? cues : templates + cues
    }

    /// One sentence for `level`, drawn with `rng`; `which` and `amount` fill pair placeholders.
    public func sentence(_ attribute: Attribute, level: String, which: String = "", amount: String = "",
                         using rng: inout SeededRandom) -> String {
        let choice = candidates(attribute, level: level).randomElement(using: &rng) ?? level
        return choice.replacingOccurrences(of: "{which}", with: which).replacingOccurrences(of: "{amount}", with: amount)
    }
}

/// `text` with its first character uppercased ("the first photo…" → "The first photo…").
func capitalizedFirst(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
}
