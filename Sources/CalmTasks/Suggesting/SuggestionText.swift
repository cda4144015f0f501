import Foundation

/// Suggestions as sentences: a canonical phrasing for training answers, and a parser that reads
/// the canonical phrasing and common free variations back into corrections.
public enum SuggestionText {
    /// The question that asks for suggestions.
    public static let prompt = "<image>\nHow could this photo be better?"

    /// Strength words and the multiple of the typical amount they stand for.
    static let modifiers: [(words: [String], multiple: Double)] = [
        (["slightly", "a little", "a bit", "a touch", "subtly", "gently"], 0.5),
        (["strongly", "a lot", "much more", "significantly", "considerably", "heavily", "substantially"], 2),
    ]

    /// One sentence for a correction. Exposure and rotation name their number; the other
    /// kinds round the amount to "slightly" (½), plain (1) or "strongly" (2) times the typical one.
    public static func sentence(for correction: Correction) -> String {
        let amount = correction.amount, magnitude = abs(amount)
        switch correction.kind {
        case .exposure:
            let stops = String(format: "%.1f", magnitude)
            return "\(amount >= 0 ? "Brighten" : "Darken") the photo by about \(stops) \(stops == "1.0" ? "stop" : "stops")."
        case .straighten:
            return "Straighten the horizon by rotating it \(Int(magnitude.rounded())) degrees \(amount >= 0 ? "counter-clockwise" : "clockwise")."
        case .cropToThirds:
            return "Crop the photo to put the subject on a third."
        case .contrast:
            return "\(amount >= 0 ? "Increase" : "Reduce") the contrast\(modifier(magnitude, .contrast))."
        case .saturation:
            return "\(amount >= 0 ? "Make the colours more vivid" : "Tone down the saturation")\(modifier(magnitude, .saturation))."
        case .temperature:
            return "\(amount >= 0 ? "Warm up" : "Cool down") the colours\(modifier(magnitude, .temperature))."
        case .reduceNoise:
            return "Reduce the noise\(modifier(magnitude, .reduceNoise))."
        case .sharpen:
            return "Sharpen the details\(modifier(magnitude, .sharpen))."
        }
    }

    /// " slightly", "" or " strongly": the nearest multiple on a log scale.
    private static func modifier(_ magnitude: Double, _ kind: CorrectionKind) -> String {
        let ratio = log2(max(magnitude, 1e-9) / kind.typicalAmount)
        if ratio < -0.5 { return " " + modifiers[0].words[0] }
        if ratio > 0.5 { return " " + modifiers[1].words[0] }
        return ""
    }

    /// Words that name a kind, in the order kinds are tried (the more specific first).
    static let kindWords: [(kind: CorrectionKind, words: [String])] = [
        (.straighten, ["straighten", "horizon", "tilt", "rotat", "level"]),
        (.cropToThirds, ["crop", "thirds", "reframe"]),
        (.reduceNoise, ["noise", "noisy", "grain", "denois"]),
        (.sharpen, ["sharp", "blur", "focus", "detail"]),
        (.temperature, ["warm", "cool", "temperature", "white balance"]),
        (.saturation, ["saturat", "vivid", "vibran", "muted", "colourful", "colorful"]),
        (.contrast, ["contrast"]),
        (.exposure, ["exposure", "expose", "bright", "dark", "lighten", "lighter", "dim"]),
    ]

    /// Words that say which way a signed amount goes, with the sign they give.
    static let directionWords: [(word: String, sign: Double)] = [
        ("increase", 1), ("raise", 1), ("boost", 1), ("more", 1), ("higher", 1), ("add", 1), ("lift", 1),
        ("brighten", 1), ("brighter", 1), ("lighten", 1), ("lighter", 1), ("underexposed", 1), ("vivid", 1),
        ("vibran", 1), ("warm", 1), ("counter-clockwise", 1), ("counterclockwise", 1), ("anticlockwise", 1),
        ("anti-clockwise", 1), ("left", 1),
        ("decrease", -1), ("reduce", -1), ("lower", -1), ("less", -1), ("tone down", -1), ("soften", -1),
        ("darken", -1), ("darker", -1), ("overexposed", -1), ("dim", -1), ("desaturat", -1), ("muted", -1),
        ("cool", -1), ("clockwise", -1), ("right", -1),
    ]

    /// The corrections named in `text`, one per sentence at most, in order. Sentences that name
    /// no known edit are ignored. Numbers are read for exposure ("1.5 stops", "+1 EV") and
    /// rotation ("4 degrees"); otherwise strength words scale the typical amount.
    public static func corrections(in text: String) -> [Correction] {
        sentences(text.lowercased()).compactMap(correction(inSentence:))
    }

    /// `text` cut at `!`, `?`, `;`, line breaks, and full stops that are not decimal points.
    static func sentences(_ text: String) -> [String] {
        var sentences: [String] = [], current = ""
        let characters = Array(text)
        for (i, c) in characters.enumerated() {
            let decimalPoint = c == "." && i + 1 < characters.count && characters[i + 1].isNumber
            if "!?;\n".contains(c) || c == "." && !decimalPoint {
                sentences.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        return sentences + [current]
    }

    /// The first correction `text` names, if any.
    public static func firstCorrection(in text: String) -> Correction? { corrections(in: text).first }

    static func correction(inSentence sentence: String) -> Correction? {
        guard let kind = kindWords.first(where: { entry in entry.words.contains { sentence.contains($0) } })?.kind else {
            return nil
        }
        var magnitude = kind.typicalAmount
        if let multiple = modifiers.first(where: { $0.words.contains { sentence.contains($0) } })?.multiple {
            magnitude *= multiple
        }
        if let number = number(in: sentence, before: kind == .exposure ? ["stop", "ev"] : kind == .straighten ? ["degree", "°"] : []) {
            magnitude = abs(number)
        }
        guard kind.isSigned else { return Correction(kind, amount: magnitude) }
        return Correction(kind, amount: sign(in: sentence, kind: kind) * magnitude)
    }

    /// The sign given by the earliest direction word; "clockwise" inside "counter-clockwise"
    /// does not count. Without one, rotation and the rest default to positive.
    static func sign(in sentence: String, kind: CorrectionKind) -> Double {
        var best: (position: String.Index, sign: Double)?
        for (word, sign) in directionWords {
            // Rotation words only give the direction of a rotation.
            if kind != .straighten && ["left", "right", "clockwise", "counter-clockwise", "counterclockwise",
                                       "anticlockwise", "anti-clockwise"].contains(word) { continue }
            var searchStart = sentence.startIndex
            while let range = sentence.range(of: word, range: searchStart..<sentence.endIndex) {
                let before = sentence[..<range.lowerBound]
                let embedded = word == "clockwise" && ["counter-", "counter", "anti-", "anti"].contains { before.hasSuffix($0) }
                if !embedded {
                    if best == nil || range.lowerBound < best!.position { best = (range.lowerBound, sign) }
                    break
                }
                searchStart = range.upperBound
            }
        }
        return best?.sign ?? 1
    }

    /// A number directly followed (after spaces) by one of `units`, e.g. "1.5 stops", "4°".
    static func number(in sentence: String, before units: [String]) -> Double? {
        guard !units.isEmpty else { return nil }
        let scalars = Array(sentence)
        var i = 0
        while i < scalars.count {
            guard scalars[i].isNumber || (scalars[i] == "+" || scalars[i] == "-") && i + 1 < scalars.count && scalars[i + 1].isNumber else {
                i += 1
                continue
            }
            var j = i + 1
            while j < scalars.count, scalars[j].isNumber || scalars[j] == "." { j += 1 }
            let value = Double(String(scalars[i..<j]).trimmingCharacters(in: CharacterSet(charactersIn: ".")))
            let rest = String(scalars[j...]).drop(while: { $0 == " " })
            if let value, units.contains(where: { rest.hasPrefix($0) }) { return value }
            i = j
        }
        return nil
    }
}
