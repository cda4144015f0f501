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
///
/// Every image is first cut to its centred square at the working resolution: the vision encoder
/// sees that square, so the pseudo-labels are measured on exactly what the model sees.
public struct PretrainSampleGenerator: Sendable {
    public let renderer: SentenceRenderer
    /// How many attributes a low- or middle-scale answer names (short answers fit the text budget).
    public let attributesPerAnswer: Int
    /// Working resolution (side of the square) for measurement and edits.
    public let longSide: Int
    /// The attributes answers may name; a scale none of them belongs to is never drawn.
    public let attributes: [Attribute]
    /// Share of low- and middle-scale samples whose question asks about one attribute
    /// (`Questions.about`), answered by one sentence naming its level. These questions tie the
    /// answer to the pixels without the noise of which attributes a free description picks.
    public let focusedShare: Double
    /// Share of low- and middle-scale samples whose photo is first changed by a random
    /// `ImageEdit` (and mirrored half of the time); the answer describes the changed photo as
    /// measured, so every edit is a new, correctly labelled example.
    public let augmentShare: Double
    /// Share of focused samples whose level to name is first drawn uniformly, so that it does not
    /// follow from the photo's content or the attribute's skew: a photo whose attribute has an
    /// edit family (`LevelTargeting`) is edited into that level, and a composition attribute's
    /// sample shows a window of the photo that is in it (`WindowTargeting`); the nearest level
    /// within reach otherwise. The answer still names the level measured on what is shown.
    public let targetShare: Double
    /// Share of middle-scale samples shown a random square window of the photo (a side of
    /// `recomposeSides` of its short side, anywhere in it) instead of its centred square. With few
    /// photos, a photo's composition is otherwise the same in every sample, and its levels can be
    /// remembered per photo instead of read from the pixels; windows move the subject, the
    /// balance and the clutter from sample to sample. The answer names the window's levels.
    public let recomposeShare: Double
    /// The sides of recomposed windows, as fractions of the photo's short side.
    public static let recomposeSides = 0.5...1.0
    /// The edits that make the high scale's pairs.
    public let pairEdits: [ImageEdit.Kind]

    public init(renderer: SentenceRenderer = SentenceRenderer(), attributesPerAnswer: Int = 3,
                longSide: Int = WorkingImage.defaultLongSide, attributes: [Attribute] = Attribute.allCases,
                focusedShare: Double = 0, augmentShare: Double = 0, targetShare: Double = 0, recomposeShare: Double = 0,
                pairEdits: [ImageEdit.Kind] = ImageEdit.Kind.allCases) {
        precondition(attributesPerAnswer > 0, "attributesPerAnswer must be positive")
        precondition(!attributes.isEmpty, "attributes must name at least one attribute")
        precondition(!pairEdits.isEmpty, "pairEdits must name at least one kind of edit")
        precondition([focusedShare, augmentShare, targetShare, recomposeShare].allSatisfy((0...1).contains), "shares must lie in [0, 1]")
        self.renderer = renderer
        self.attributesPerAnswer = attributesPerAnswer
        self.longSide = longSide
        self.attributes = Attribute.allCases.filter(attributes.contains)
        self.focusedShare = focusedShare
        self.augmentShare = augmentShare
        self.targetShare = targetShare
        self.recomposeShare = recomposeShare
        self.pairEdits = pairEdits
    }

    /// The scales whose questions are drawn: those with at least one of `attributes`.
    public var scales: [Scale] { Scale.allCases.filter { scale in attributes.contains { $0.scale == scale } } }

    /// The centred square of `image` at the working resolution: what samples show and measure.
    public func workingSquare(_ image: RGBImage) -> RGBImage {
        let side = min(image.width, image.height)
        return WorkingImage(image.centerCropped(width: side, height: side), longSide: longSide).image
    }

    /// The answer to a single-attribute question: it first repeats the question's topic ("As for
    /// the exposure, it shows …"), which is easy to learn to copy, so that the level then follows
    /// its own attribute.
    public static func focusedAnswer(_ attribute: Attribute, sentence: String) -> String {
        "As for \(Questions.topic(attribute)), " + lowercasedFirst(sentence)
    }

    /// A random square window of `image` (`recomposeSides`) at the working resolution `longSide`.
    static func window(of image: RGBImage, longSide: Int, using rng: inout SeededRandom) -> RGBImage {
        let side = Int((Double(min(image.width, image.height)) * Double.random(in: recomposeSides, using: &rng)).rounded())
        return WorkingImage(image.randomCropped(width: side, height: side, using: &rng), longSide: longSide).image
    }

    /// The sample for `image` (identified by `id`) in `epoch`; the scale is drawn uniformly from
    /// `scales` unless given.
    public func sample(image: RGBImage, id: String, epoch: Int, scale: Scale? = nil) -> PretrainSample {
        var rng = SeededRandom(imageID: id, epoch: epoch)
        let scale = scale ?? scales.randomElement(using: &rng)!
        let recomposed = scale == .middle && recomposeShare > 0 && Double.random(in: 0..<1, using: &rng) < recomposeShare
        let square = recomposed ? Self.window(of: image, longSide: longSide, using: &rng) : workingSquare(image)
        return scale == .high ? comparison(square, using: &rng) : description(square, of: image, scale: scale, using: &rng)
    }

    /// A low- or middle-scale sample: a question about the scale (or one of its attributes) and
    /// an answer naming measured levels. `square` is what it shows of `photo` unless a window is
    /// chosen for a targeted level.
    private func description(_ square: RGBImage, of photo: RGBImage, scale: Scale, using rng: inout SeededRandom) -> PretrainSample {
        var augmentation: @Sendable (RGBImage) -> RGBImage = { $0 }
        if augmentShare > 0, Double.random(in: 0..<1, using: &rng) < augmentShare {
            let (edit, seed, mirrored) = (ImageEdit.random(using: &rng), rng.next(), Bool.random(using: &rng))
            augmentation = { image in
                let edited = edit.applied(to: image, seed: seed)
                return mirrored ? edited.flippedHorizontally() : edited
            }
        }
        var image = augmentation(square)
        let allowed = Attribute.of(scale).filter(attributes.contains)
        let focused = focusedShare > 0 && Double.random(in: 0..<1, using: &rng) < focusedShare
        let chosen = focused ? [allowed.randomElement(using: &rng)!] : Array(allowed.shuffled(using: &rng).prefix(attributesPerAnswer))
        let question = (focused ? Questions.about(chosen[0]) : Questions.paraphrases(scale)).randomElement(using: &rng)!
        if focused, targetShare > 0, Double.random(in: 0..<1, using: &rng) < targetShare {
            let seed = rng.next()
            if let targeting = LevelTargeting(chosen[0], photo: image, longSide: longSide, seed: seed) {
                image = targeting.edited(toLevel: Int.random(in: chosen[0].levels.indices, using: &rng))
            } else if let targeting = WindowTargeting(chosen[0], photo: photo, longSide: longSide, prepare: augmentation) {
                image = targeting.window(level: Int.random(in: chosen[0].levels.indices, using: &rng), first: image, seed: seed)
            }
        }
        let working = WorkingImage(image, longSide: longSide)
        // One attribute asked: measure only it (no grid cells, saliency or composition).
        let measured = focused ? nil : ImageAttributes(working)
        let targets = Dictionary(uniqueKeysWithValues: chosen.map { ($0, measured?.level($0) ?? ImageAttributes.level($0, of: working)!) })
        let sentences = chosen.map { renderer.sentence($0, level: targets[$0]!, using: &rng) }
        let answer = focused ? Self.focusedAnswer(chosen[0], sentence: sentences[0]) : joinClauses(sentences, using: &rng)
        return PretrainSample(scale: scale, images: [image], question: question, answer: answer, targets: targets, edit: nil)
    }

    /// A high-scale sample: the photo and a random edit of it, in random order, with the
    /// judgements (the pair attributes among `attributes`) the edit's known parameters give.
    private func comparison(_ square: RGBImage, using rng: inout SeededRandom) -> PretrainSample {
        let question = Questions.paraphrases(.high).randomElement(using: &rng)!
        let edit = ImageEdit.random(kinds: pairEdits, using: &rng)
        let edited = edit.applied(to: square, seed: rng.next())
        let judgement = EditJudgement(edit: edit, original: square, edited: edited)
        let editedFirst = Bool.random(using: &rng)
        // Which photo is the original cannot be seen, so a reversible edit of the first photo is
        // told as the reverse edit of the second ("the second is brighter", never "the first is
        // darker"): the change named then follows from the pixels alone.
        let reversed = editedFirst ? edit.reversed : nil
        let told = EditJudgement.describe(reversed ?? edit)
        let which = editedFirst && reversed == nil ? "first" : "second"
        let targets: [Attribute: String] = [
            .preference: judgement.editedIsBetter == editedFirst ? "first" : "second",
            .edit: told.change.rawValue,
            .editStrength: told.strength,
        ].filter { attributes.contains($0.key) }
        let answer = joinClauses(Self.judgementOrder.filter { targets[$0] != nil }.map {
            renderer.sentence($0, level: targets[$0]!, which: which, amount: told.amount, using: &rng)
        }, using: &rng)
        return PretrainSample(scale: .high, images: editedFirst ? [edited, square] : [square, edited],
                              question: question, answer: answer, targets: targets, edit: edit)
    }

    /// The order of a pair answer's sentences: first what changed (on which photo), then the
    /// preference that mostly follows from it (the edited one is worse unless it corrected
    /// exposure or saturation), so the answer reasons before it judges.
    static let judgementOrder: [Attribute] = [.edit, .editStrength, .preference]

    /// Connectives that may open a clause after the first; they name no level.
    static let connectives = ["", "", "Also, ", "In addition, ", "Besides, ", "On top of that, "]

    /// Sentences joined by spaces, each after the first opened by a random connective (its first
    /// letter lowered unless it is "I").
    private func joinClauses(_ sentences: [String], using rng: inout SeededRandom) -> String {
        sentences.enumerated().map { index, sentence in
            let connective = index == 0 ? "" : PretrainSampleGenerator.connectives.randomElement(using: &rng)!
            return connective.isEmpty ? sentence : connective + lowercasedFirst(sentence)
        }.joined(separator: " ")
    }
}

/// `sentence` with its first letter lowered, to follow a connective ("I" stays upper case).
func lowercasedFirst(_ sentence: String) -> String {
    sentence.hasPrefix("I ") ? sentence : sentence.prefix(1).lowercased() + sentence.dropFirst()
}
