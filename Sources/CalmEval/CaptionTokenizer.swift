// A small stand-in for the Stanford PTBTokenizer that pycocoevalcap runs (in Java) before
// scoring, followed by the punctuation removal of pycocoevalcap/tokenizer/ptbtokenizer.py.
// Scripts/fixtures/eval_metrics.py mirrors it exactly, so our scores and the toolkit's
// are computed on identical tokens. The rule:
//  1. lowercase; the typographic apostrophe ’ counts as '.
//  2. tokens are runs of letters and digits; ' - . inside a run (between two letters or
//     digits) stay in it: "well-lit", "f2.8", "e.g" (a final "." is punctuation).
//  3. PTB's clitics split off a token with an apostrophe: "don't" → "do n't",
//     "photo's" → "photo 's".
//  4. whitespace separates; the punctuation pycocoevalcap removes is dropped:
//     . , ? ! : ; - ' ` " and the brackets ( ) { } (which PTB writes as -LRB- -RRB-
//     -LCB- -RCB-, also on the list) and the dashes – — (PTB's "--"); any other symbol
//     ("/", "%", "&", "[") is a token of its own.
// Known differences from PTB, which this rule does not attempt: PTB keeps some symbols
// inside words ("f/2.8" stays whole), escapes [ ] as -lsb- -rsb-, and splits a few more
// contractions ("cannot" → "can not").

/// Splits a caption into lowercase tokens without punctuation, approximating the COCO
/// caption toolkit's PTB tokenization (see the rule above).
public func captionTokens(_ text: String) -> [String] {
    let characters = Array(text.lowercased()).map { $0 == "’" ? "'" : $0 }
    var tokens: [String] = []
    var word = ""
    for (i, character) in characters.enumerated() {
        if isWordCharacter(character) {
            word.append(character)
        } else if innerJoiners.contains(character), !word.isEmpty,
                  i + 1 < characters.count, isWordCharacter(characters[i + 1]) {
            word.append(character)
        } else {
            tokens += splittingClitic(word)
            word = ""
            if !character.isWhitespace && !removedPunctuation.contains(character) {
                tokens.append(String(character))
            }
        }
    }
    return tokens + splittingClitic(word)
}

private let innerJoiners: Set<Character> = ["'", "-", "."]
private let removedPunctuation: Set<Character> = [".", ",", "?", "!", ":", ";", "-", "'", "`", "\"", "(", ")", "{", "}", "–", "—"]

private func isWordCharacter(_ character: Character) -> Bool {
    character.isLetter || character.isNumber
}

/// "don't" → ["do", "n't"], "photo's" → ["photo", "'s"], "" → [], other words unchanged.
private func splittingClitic(_ word: String) -> [String] {
    guard !word.isEmpty else { return [] }
    guard let apostrophe = word.firstIndex(of: "'") else { return [word] }
    if word.hasSuffix("n't") && word.count > 3 {
        return [String(word.dropLast(3)), "n't"]
    }
    return [String(word[..<apostrophe]), String(word[apostrophe...])]
}
