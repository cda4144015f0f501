/// calm's special tokens, added on top of any base vocabulary.
public enum CalmTokens {
    /// Placeholder for one image in a prompt; the data pipeline expands it to the visual tokens.
    public static let image = "<image>"
    /// Introducers of the four visual token groups, in the order they appear.
    public static let low = "<low>", middle = "<middle>", high = "<high>", thematic = "<thematic>"
    /// All five, in the order they receive ids.
    public static let all = [image, low, middle, high, thematic]
}

extension Tokenizer {
    /// This tokenizer with calm's special tokens at the ids after the base vocabulary
    /// (`vocabularySize`, +1, ... in `CalmTokens.all` order); tokens already present keep their ids.
    public func addingCalmTokens() -> Tokenizer { adding(CalmTokens.all, special: true) }
}
