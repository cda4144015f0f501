import CalmSelfSupervision

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
    /// The attributes answers name (`pretrain.attributes`, default all of them).
    public var attributes: [Attribute]
    /// Share of low- and middle-scale questions about a single attribute.
    public var focusedQuestions: Double
    /// Share of low- and middle-scale photos changed by a random edit before they are measured.
    public var augment: Double
    /// Share of single-attribute questions whose level is drawn uniformly first, then reached by an
    /// edit of the photo or a window of it (`PretrainSampleGenerator.targetShare`).
    public var targetLevels: Double
    /// Share of middle-scale questions about a random window of the photo
    /// (`PretrainSampleGenerator.recomposeShare`).
    public var recompose: Double
    /// Whether answers naming one attribute weigh in the loss by the inverse of their level's
    /// frequency (`LevelBalance`), so that a skewed attribute's rare levels count as much as its
    /// frequent one (`pretrain.balance_levels`, default false).
    public var balanceLevels: Bool
    /// Weight of the level heads' loss (`pretrain.level_heads`; 0: no heads): linear heads on a
    /// single-image sample's Q-Former tokens of its scale name the levels its answer names.
    public var levelHeads: Double
    /// The kinds of edit that make the pairs (`pretrain.pair_edits`, default all of them).
    public var pairEdits: [ImageEdit.Kind]
    /// A JSONL cue bank (`pretrain.cue_bank`) and how it combines with the grammar (`pretrain.cue_bank_mode`).
    public var cueBank: String?
    public var cueBankMode: CueBank.Mode

    init(reader r: RecipeReader) throws {
        routing = try r.bool("pretrain.routing", default: true)
        thematicVisible = try r.bool("pretrain.thematic_visible", default: false)
        attributesPerAnswer = try r.int("pretrain.attributes_per_answer", default: 3, min: 1)
        textTokens = try r.int("pretrain.text_tokens", default: 96, min: 8)
        let names = try r.strings("pretrain.attributes", default: Attribute.allCases.map(\.rawValue))
        attributes = try names.map { name in
            guard let attribute = Attribute(rawValue: name) else {
                throw r.error("pretrain.attributes", "unknown attribute '\(name)' (known: \(Attribute.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return attribute
        }
        guard !attributes.isEmpty else { throw r.error("pretrain.attributes", "must name at least one attribute") }
        focusedQuestions = try r.double("pretrain.focused_questions", default: 0.5, min: 0, max: 1)
        augment = try r.double("pretrain.augment", default: 0.5, min: 0, max: 1)
        targetLevels = try r.double("pretrain.target_levels", default: 0, min: 0, max: 1)
        recompose = try r.double("pretrain.recompose", default: 0, min: 0, max: 1)
        levelHeads = try r.double("pretrain.level_heads", default: 0, min: 0)
        balanceLevels = try r.bool("pretrain.balance_levels", default: false)
        let edits = try r.strings("pretrain.pair_edits", default: ImageEdit.Kind.allCases.map(\.rawValue))
        pairEdits = try edits.map { name in
            guard let kind = ImageEdit.Kind(rawValue: name) else {
                throw r.error("pretrain.pair_edits", "unknown edit '\(name)' (known: \(ImageEdit.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return kind
        }
        guard !pairEdits.isEmpty else { throw r.error("pretrain.pair_edits", "must name at least one edit") }
        cueBank = try r.path("pretrain.cue_bank", optional: true)
        cueBankMode = try r.choice("pretrain.cue_bank_mode", default: .extend)
    }

    /// The sample generator these options describe (reads the cue bank, if any), measuring and
    /// editing at `imageSide`: the vision encoder's input side, so that labels describe what it sees.
    public func sampleGenerator(imageSide: Int) throws -> PretrainSampleGenerator {
        let bank = try cueBank.map { try CueBank(contentsOf: $0, mode: cueBankMode) }
        return PretrainSampleGenerator(renderer: SentenceRenderer(cueBank: bank), attributesPerAnswer: attributesPerAnswer,
                                       longSide: imageSide, attributes: attributes, focusedShare: focusedQuestions, augmentShare: augment,
                                       targetShare: targetLevels, recomposeShare: recompose, pairEdits: pairEdits)
    }
}
