/// The recipe keys of the pretrain objective (`pretrain.*`).
public struct PretrainOptions: Equatable, Sendable {
    /// Multi-scale routing: a question about one scale lets the text attend only to that
    /// scale's query tokens. Off for the ablation: every group is visible to every question.
    public var routing: Bool
    /// Whether the thematic tokens stay visible to every question while routing.
    public var thematicVisible: Bool
    /// Attributes a low- or middle-scale answer names.
    public var attributesPerAnswer: Int
    /// Text tokens per sample before `<image>` expansion; longer samples are cut (answer end first).
    public var textTokens: Int

    init(reader r: RecipeReader) throws {
        routing = try r.bool("pretrain.routing", default: true)
        thematicVisible = try r.bool("pretrain.thematic_visible", default: false)
        attributesPerAnswer = try r.int("pretrain.attributes_per_answer", default: 3, min: 1)
        textTokens = try r.int("pretrain.text_tokens", default: 96, min: 8)
    }
}
