/// Pretraining questions per scale, many paraphrases each. `<image>` marks where an image's
/// visual tokens go; the pair questions of the high scale hold two.
public enum Questions {
    /// The image placeholder token of prompts.
    public static let imageToken = "<image>"

    public static func paraphrases(_ scale: Scale) -> [String] {
        switch scale {
        case .low: return [
            "Describe the lighting and colour of this photo.",
            "How are the exposure and colours of this image?",
            "Comment on the light, tones and colour of this picture.",
            "What can you say about the technical quality of this photo: exposure, colour, sharpness and noise?",
            "Assess the brightness, contrast and colour rendition of this image.",
            "How well is this photo exposed, and how do its colours look?",
            "Give a short technical critique of this image's light and colour.",
        ].map { "\(imageToken)\n\($0)" }
        case .middle: return [
            "How is this photo composed?",
            "Describe the composition of this image.",
            "Comment on the framing and layout of this picture.",
            "Where is the subject placed, and how is the frame balanced?",
            "Assess the composition of this photo: placement, balance, lines and depth.",
            "What do you think of the way this image is framed?",
            "Give a short critique of this picture's composition.",
        ].map { "\(imageToken)\n\($0)" }
        case .high: return [
            "Which of these two photos is better, and why?",
            "Compare the two images: which one is more pleasing, and what differs?",
            "Which version do you prefer, and what changed between them?",
            "Here are two versions of a photo. Which is better, and how do they differ?",
            "Judge these two pictures: which looks better, and what was edited?",
            "Which of the two images is more aesthetically pleasing? Explain the difference.",
        ].map { "First: \(imageToken)\nSecond: \(imageToken)\n\($0)" }
        }
    }

    /// Questions about one low- or middle-scale attribute, answered by one sentence naming its
    /// level. They name the attribute, never a level, so `LevelParser` reads only the answer.
    public static func about(_ attribute: Attribute) -> [String] {
        precondition(attribute.scale != .high, "pair attributes are asked about by the pair questions")
        let topic = topic(attribute)
        return ["How is \(topic) in this photo?", "Describe \(topic) in this image.",
                "What can you say about \(topic) here?", "Comment on \(topic) in this picture.",
                "How would you judge \(topic) in this photo?"].map { "\(imageToken)\n\($0)" }
    }

    /// The noun phrase a question about `attribute` names ("the exposure").
    public static func topic(_ attribute: Attribute) -> String { topics[attribute]! }

    private static let topics: [Attribute: String] = [
        .exposure: "the exposure", .highlights: "the highlight detail", .shadows: "the shadow detail",
        .contrast: "the contrast", .saturation: "the colour saturation", .colourfulness: "the variety of colour",
        .sharpness: "the sharpness", .noise: "the grain and noise", .temperature: "the white balance",
        .tint: "the green-magenta tint", .brightestRegion: "where the light falls", .placement: "the subject placement",
        .symmetry: "the left-right symmetry", .tilt: "the horizon and lines", .depthOfField: "the depth of field",
        .horizontalBalance: "the left-right balance of visual weight", .verticalBalance: "the top-bottom balance of visual weight",
        .clutter: "the amount of detail and clutter",
    ]
}
