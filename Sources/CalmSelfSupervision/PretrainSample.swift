import CalmImage

/// One self-supervised pretraining sample: images, a question about one scale, the answer
/// built from pseudo-labels, and the levels the answer names (for evaluation).
public struct PretrainSample: Sendable {
    /// The scale the question is about: the trainer routes the answer to that Q-Former's tokens.
    public let scale: Scale
    /// The images, in the order of the `<image>` placeholders in `question` (working resolution).
    public let images: [RGBImage]
    public let question: String
    public let answer: String
    /// The level of each attribute the answer names.
    public let targets: [Attribute: String]
    /// For the high scale: the edit that made the pair.
    public let edit: ImageEdit?
}

/// Builds pretraining samples from unlabeled images, deterministically from (image id, epoch).
public struct PretrainSampleGenerator: Sendable {
    public let renderer: SentenceRenderer
    /// How many attributes a low- or middle-scale answer names (short answers fit the text budget).
    public let attributesPerAnswer: Int
    /// Working resolution (long side) for measurement and edits.
    public let longSide: Int

    public init(renderer: SentenceRenderer = SentenceRenderer(), attributesPerAnswer: Int = 3,
                longSide: Int = WorkingImage.defaultLongSide) {
        precondition(attributesPerAnswer > 0, "attributesPerAnswer must be positive")
        self.renderer = renderer
        self.attributesPerAnswer = attributesPerAnswer
        self.longSide = longSide
    }

    /// The sample for `image` (identified by `id`) in `epoch`; the scale is drawn uniformly unless given.
    public func sample(image: RGBImage, id: String, epoch: Int, scale: Scale? = nil) -> PretrainSample {
        var rng = SeededRandom(imageID: id, epoch: epoch)
        let scale = scale ?? Scale.allCases.randomElement(using: &rng)!
        let working = WorkingImage(image, longSide: longSide)
        let question = Questions.paraphrases(scale).randomElement(using: &rng)!
        guard scale == .high else {
            let attributes = ImageAttributes(working)
            let chosen = Array(Attribute.of(scale).shuffled(using: &rng).prefix(attributesPerAnswer))
            let targets = Dictionary(uniqueKeysWithValues: chosen.map { ($0, attributes.level($0)!) })
            let answer = joinClauses(chosen.map { renderer.sentence($0, level: targets[$0]!, using: &rng) }, using: &rng)
            return PretrainSample(scale: scale, images: [working.image], question: question, answer: answer,
                                  targets: targets, edit: nil)
        }
        let edit = ImageEdit.random(using: &rng)
        let edited = edit.applied(to: working.image, seed: rng.next())
        let judgement = EditJudgement(edit: edit, original: working.image, edited: edited)
        let editedFirst = Bool.random(using: &rng)
        let which = editedFirst ? "first" : "second"
        let targets: [Attribute: String] = [
            .preference: judgement.editedIsBetter == editedFirst ? "first" : "second",
            .edit: judgement.change.rawValue,
            .editStrength: judgement.strength,
        ]
        let answer = joinClauses([Attribute.preference, .edit, .editStrength].map {
            renderer.sentence($0, level: targets[$0]!, which: which, amount: judgement.amount, using: &rng)
        }, using: &rng)
        return PretrainSample(scale: .high, images: editedFirst ? [edited, working.image] : [working.image, edited],
                              question: question, answer: answer, targets: targets, edit: edit)
    }

    /// Connectives that may open a clause after the first; they name no level.
    static let connectives = ["", "", "Also, ", "In addition, ", "Besides, ", "On top of that, "]

    /// Sentences joined by spaces, each after the first opened by a random connective (its first
    /// letter lowered unless it is "I").
    private func joinClauses(_ sentences: [String], using rng: inout SeededRandom) -> String {
        sentences.enumerated().map { index, sentence in
            let connective = index == 0 ? "" : PretrainSampleGenerator.connectives.randomElement(using: &rng)!
            guard !connective.isEmpty, !sentence.hasPrefix("I ") else { return connective + sentence }
            return connective + sentence.prefix(1).lowercased() + sentence.dropFirst()
        }.joined(separator: " ")
    }
}
