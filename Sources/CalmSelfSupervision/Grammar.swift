/// The template grammar that turns levels into sentences. A clause is a frame with one `{}`
/// slot filled by a level phrase; every (frame, phrase) pair is one paraphrase. Phrases are
/// unique across all attributes and levels and frames contain none, which is what lets
/// `LevelParser` read a level back from any rendered text.
public enum Grammar {
    /// Frames for the low and middle scales: each takes a noun phrase.
    static let descriptiveFrames = ["The photo has {}.", "This image has {}.", "It shows {}.", "I notice {}.",
                                    "Here we see {}."]

    /// Frames of an attribute; `{which}` names the edited image ("first"/"second") in pair frames,
    /// `{amount}` the edit's parameter.
    public static func frames(_ attribute: Attribute) -> [String] {
        switch attribute {
        case .preference: return ["{}.", "On balance, {}.", "In my view, {}.", "Overall, {}."]
        case .edit: return ["The {which} version {}.", "Compared with the other, the {which} image {}.",
                            "What changed: the {which} photo {}.", "The difference is that the {which} picture {}."]
        case .editStrength: return ["The change is {} ({amount}).", "The edit is {}: {amount}.",
                                    "How much: {}, {amount}."]
        default: return descriptiveFrames
        }
    }

    /// Phrases naming each level of an attribute, in `attribute.levels` order.
    public static func phrases(_ attribute: Attribute) -> [[String]] {
        switch attribute {
        case .exposure: return [
            ["a very dark exposure", "severe underexposure", "far too little light"],
            ["a slightly dark exposure", "mild underexposure", "somewhat dim lighting"],
            ["a balanced exposure", "well-judged exposure", "even, correct exposure"],
            ["a slightly bright exposure", "mild overexposure", "somewhat strong lighting"],
            ["a very bright exposure", "severe overexposure", "far too much light"]]
        case .highlights: return [
            ["clean highlights", "intact highlights", "no blown highlights"],
            ["a few blown highlights", "some clipped highlights", "slightly blown highlights"],
            ["large blown-out highlights", "heavily clipped highlights", "many blown highlights"]]
        case .shadows: return [
            ["open shadows", "detailed shadows", "no crushed shadows"],
            ["a few crushed shadows", "some clipped shadows", "slightly crushed shadows"],
            ["large pure-black areas", "heavily clipped shadows", "many crushed shadows"]]
        case .contrast: return [
            ["low contrast", "flat tonality", "a washed-out tonal range"],
            ["moderate contrast", "natural tonality", "a normal tonal range"],
            ["high contrast", "punchy tonality", "a wide tonal range"]]
        case .saturation: return [
            ["muted colours", "desaturated colours", "subdued colour saturation"],
            ["natural saturation", "moderately saturated colours", "realistic colour saturation"],
            ["vivid colours", "strongly saturated colours", "intense colour saturation"]]
        case .colourfulness: return [
            ["an almost colourless palette", "a nearly monochrome look", "hardly any colour"],
            ["a restrained palette", "a little colour variety", "a limited range of hues"],
            ["a moderately colourful palette", "a fair variety of colour", "a balanced range of hues"],
            ["a highly colourful palette", "a rich variety of colour", "a wide range of hues"]]
        case .sharpness: return [
            ["heavy blur", "a blurry rendering", "no crisp detail"],
            ["soft focus", "slightly soft detail", "gentle softness"],
            ["sharp detail", "good focus", "crisp rendering"],
            ["very sharp detail", "razor-sharp focus", "extremely crisp rendering"]]
        case .noise: return [
            ["a clean, noise-free finish", "no visible grain", "smooth, grain-free areas"],
            ["slight grain", "a little noise", "faint sensor noise"],
            ["heavy grain", "a lot of noise", "strong sensor noise"]]
        case .temperature: return [
            ["a strongly warm, orange cast", "very warm light", "a deep amber tone"],
            ["a slightly warm tone", "warm light", "a golden tone"],
            ["neutral white balance", "a neutral colour temperature", "true-to-life whites"],
            ["a cool, bluish tone", "cool light", "a blue colour temperature"]]
        case .tint: return [
            ["a magenta tint", "a pinkish-purple tint", "a slight magenta shift"],
            ["no green or magenta tint", "a neutral tint", "clean, untinted colour"],
            ["a green tint", "a greenish shift", "an olive-green cast"]]
        case .brightestRegion: return [["evenly spread light", "uniform brightness across the frame", "no dominant bright area"]]
            + LowLevelProfile.cellNames.map { cell in
                ["the brightest area at the \(cell)", "most of the light falling on the \(cell)", "a luminous zone at the \(cell)"]
            }
        case .placement: return [
            ["a centred subject", "the subject placed in the middle", "a central composition"],
            ["the subject on a rule-of-thirds point", "a thirds-based placement", "the subject near a power point"],
            ["an off-centre subject", "the subject away from the thirds points", "an unconventional placement"]]
        case .symmetry: return [
            ["an asymmetric layout", "little left-right symmetry", "no mirror symmetry"],
            ["partial symmetry", "some left-right symmetry", "a loosely mirrored layout"],
            ["strong symmetry", "a mirror-like layout", "near-perfect left-right symmetry"]]
        case .tilt: return [
            ["a level horizon", "straight lines", "upright verticals"],
            ["a slightly tilted horizon", "a small tilt", "lines a little off level"],
            ["a clearly tilted horizon", "a strong tilt", "noticeably slanted lines"]]
        case .depthOfField: return [
            ["a deep depth of field", "everything in focus", "uniform sharpness front to back"],
            ["a moderate depth of field", "some background softness", "a mildly separated subject"],
            ["a shallow depth of field", "a sharp subject on a blurred background", "strong subject isolation"]]
        case .horizontalBalance: return [
            ["more visual weight on the left", "a left-heavy composition", "its mass concentrated on the left"],
            ["an even left-right balance", "a horizontally balanced layout", "equal weight on both sides"],
            ["more visual weight on the right", "a right-heavy composition", "its mass concentrated on the right"]]
        case .verticalBalance: return [
            ["more visual weight at the top", "a top-heavy composition", "its mass concentrated at the top"],
            ["an even top-bottom balance", "a vertically balanced layout", "equal weight above and below"],
            ["more visual weight at the bottom", "a bottom-heavy composition", "its mass concentrated at the bottom"]]
        case .clutter: return [
            ["a clean, minimal scene", "a simple uncluttered background", "very few edges"],
            ["a moderate amount of detail", "some busy areas", "a fair amount of texture"],
            ["a cluttered scene", "a busy, crowded frame", "a lot of competing detail"]]
        case .preference: return [
            ["the first photo is more pleasing", "the first image looks better", "I prefer the first one"],
            ["the second photo is more pleasing", "the second image looks better", "I prefer the second one"]]
        case .edit: return EditChange.allCases.map(\.phrases)
        case .editStrength: return [
            ["slight", "subtle", "barely noticeable"],
            ["moderate", "clearly visible", "noticeable"],
            ["strong", "heavy", "severe"]]
        }
    }
}

extension EditChange {
    /// Verb phrases for the `.edit` frames ("the second version {}").
    var phrases: [String] {
        switch self {
        case .blurred: return ["has been blurred", "is out of focus", "has lost its sharpness"]
        case .noisier: return ["has added noise", "is grainier", "has extra grain"]
        case .brighter: return ["has been brightened", "is more exposed", "has been pushed brighter"]
        case .darker: return ["has been darkened", "is less exposed", "has been pulled darker"]
        case .warmer: return ["has a warmer cast", "has been warmed", "is more orange"]
        case .cooler: return ["has a cooler cast", "has been cooled", "is more blue"]
        case .greener: return ["has a green cast", "has been shifted towards green", "is more green"]
        case .magenta: return ["has a magenta cast", "has been shifted towards magenta", "is more purple"]
        case .tilted: return ["has been rotated", "is tilted", "is no longer level"]
        case .moreSaturated: return ["has stronger colours", "has been saturated", "is more colourful"]
        case .lessSaturated: return ["has weaker colours", "has been desaturated", "is less colourful"]
        case .subjectCut: return ["cuts through the subject", "crops the subject awkwardly", "has the subject cut off"]
        }
    }
}
