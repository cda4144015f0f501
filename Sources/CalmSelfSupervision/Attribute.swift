/// The scale a pretraining question is about; it selects which Q-Former's tokens the
/// language model may attend to (the routing mask).
public enum Scale: String, CaseIterable, Codable, Sendable {
    case low, middle, high
}

/// An attribute named in pretraining text. Its levels are ordered names (`levels`); a
/// target or a parsed answer gives one level name per attribute.
public enum Attribute: String, CaseIterable, Codable, Sendable {
    // Low scale: pixels.
    case exposure, highlights, shadows, contrast, saturation, colourfulness, sharpness, noise, temperature, tint, brightestRegion
    // Middle scale: composition.
    case placement, symmetry, tilt, depthOfField, horizontalBalance, verticalBalance, clutter
    // High scale: judgements on an image pair (an image and a controlled edit of it).
    case preference, edit, editStrength

    public var scale: Scale {
        switch self {
        case .exposure, .highlights, .shadows, .contrast, .saturation, .colourfulness, .sharpness, .noise,
             .temperature, .tint, .brightestRegion: return .low
        case .placement, .symmetry, .tilt, .depthOfField, .horizontalBalance, .verticalBalance, .clutter: return .middle
        case .preference, .edit, .editStrength: return .high
        }
    }

    /// Level names, ordered from the low to the high end of the measurement where one exists.
    public var levels: [String] {
        switch self {
        case .exposure: return ["very dark", "dark", "balanced", "bright", "very bright"]
        case .highlights: return ["intact", "some clipped", "heavily clipped"]
        case .shadows: return ["intact", "some crushed", "heavily crushed"]
        case .contrast: return ["low", "normal", "high"]
        case .saturation: return ["muted", "natural", "vivid"]
        case .colourfulness: return ["colourless", "slightly colourful", "moderately colourful", "highly colourful"]
        case .sharpness: return ["blurry", "soft", "sharp", "very sharp"]
        case .noise: return ["clean", "slightly noisy", "noisy"]
        case .temperature: return ["very warm", "warm", "neutral", "cool"]
        case .tint: return ["magenta", "neutral", "green"]
        case .brightestRegion: return ["even"] + LowLevelProfile.cellNames
        case .placement: return ["centred", "on a third", "off-centre"]
        case .symmetry: return ["asymmetric", "partly symmetric", "symmetric"]
        case .tilt: return ["level", "slightly tilted", "tilted"]
        case .depthOfField: return ["deep", "moderate", "shallow"]
        case .horizontalBalance: return ["left-heavy", "balanced", "right-heavy"]
        case .verticalBalance: return ["top-heavy", "balanced", "bottom-heavy"]
        case .clutter: return ["minimal", "moderate", "cluttered"]
        case .preference: return ["first", "second"]
        case .edit: return EditChange.allCases.map(\.rawValue)
        case .editStrength: return ["slight", "moderate", "strong"]
        }
    }

    /// The attributes of one scale, in declaration order.
    public static func of(_ scale: Scale) -> [Attribute] { allCases.filter { $0.scale == scale } }
}

/// What an edit changed, as named in pair judgements (the levels of `Attribute.edit`).
public enum EditChange: String, CaseIterable, Sendable {
    case blurred, noisier, brighter, darker, warmer, cooler, greener, magenta, tilted
    case moreSaturated = "more saturated", lessSaturated = "less saturated", subjectCut = "subject cut"
}
