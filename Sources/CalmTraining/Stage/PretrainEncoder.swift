import CalmImage
import CalmModels
import CalmSelfSupervision
import CalmText

/// Turns pretraining text and images into model input, the same way for training and for
/// evaluation: the plain chat template (question as the user turn, answer as the assistant
/// turn, loss on the answer only), the routing of each scale, and the vision encoder's pixels.
public struct PretrainEncoder: Sendable {
    public let tokenizer: Tokenizer
    public let tokenIds: CalmTokenIds
    public let options: PretrainOptions
    /// The vision encoder's input side.
    public let imageSide: Int
    public let template = ChatTemplate.plain

    public init(tokenizer: Tokenizer, options: PretrainOptions, imageSide: Int) throws {
        self.tokenizer = tokenizer
        self.tokenIds = try CalmTokenIds(tokenizer)
        self.options = options
        self.imageSide = imageSide
    }

    /// The id that ends an answer (the template's end of turn).
    public var endOfTurnId: Int { tokenizer.id(of: template.endOfTurn)! }

    /// The visual groups a question about `scale` may attend to.
    public func visibleGroups(_ scale: Scale) -> Set<VisualGroup> {
        guard options.routing else { return Set(VisualGroup.allCases) }
        let own: VisualGroup = [.low: .low, .middle: .middle, .high: .high][scale]!
        return options.thematicVisible ? [own, .thematic] : [own]
    }

    /// A training sequence: question and answer, loss on the answer and its end of turn, cut to
    /// `options.textTokens` (the answer's end goes first; the `<image>` placeholders come early).
    public func trainingSample(_ sample: PretrainSample) throws -> MultimodalSample {
        try sequence(question: sample.question, answer: sample.answer, scale: sample.scale)
    }

    /// The sequence of one question and answer about `scale`, as `trainingSample` makes it.
    public func sequence(question: String, answer: String, scale: Scale) throws -> MultimodalSample {
        let encoded = try template.encode([Turn(.user, question), Turn(.assistant, answer)], with: tokenizer)
        let kept = min(encoded.ids.count, options.textTokens)
        return MultimodalSample(ids: Array(encoded.ids.prefix(kept)), lossMask: Array(encoded.lossMask.prefix(kept)),
                                visibleGroups: visibleGroups(scale))
    }

    /// A prompt for generation: the question and an open assistant turn.
    public func prompt(question: String, scale: Scale) throws -> MultimodalSample {
        let encoded = try template.encode([Turn(.user, question)], with: tokenizer, addGenerationPrompt: true)
        return MultimodalSample(ids: encoded.ids, visibleGroups: visibleGroups(scale))
    }

    /// The vision encoder's input for an image: the centred square, resized to `imageSide`,
    /// CLIP-normalized, CHW.
    public func pixels(_ image: RGBImage) -> [Float] { Self.pixels(image, side: imageSide) }

    /// The centred square of `image`, resized to `side`, CLIP-normalized, CHW.
    public static func pixels(_ image: RGBImage, side: Int) -> [Float] {
        let square = min(image.width, image.height)
        return image.centerCropped(width: square, height: square)
            .resized(width: side, height: side, filter: .area).normalizedCHW()
    }
}
