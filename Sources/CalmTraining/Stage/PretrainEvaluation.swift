import CalmAutograd
import CalmImage
import CalmModels
import CalmSelfSupervision
import CalmTensor
import CalmText
import Foundation

/// The objective evaluation of pretraining on held-out photos, three ways:
/// - generated: the model answers the pretraining questions (greedy decoding), `LevelParser`
///   reads the levels it names, and they are compared with the targets;
/// - focused: the same with a question about each single attribute (`Questions.about`), so every
///   attribute is asked on every photo and the answer must name it;
/// - forced choice: for every attribute, the level whose canonical sentence ("The photo has
///   a balanced exposure.") the model finds most probable after the question, so that every
///   attribute is scored on every photo, and an untrained model can be scored at all.
/// Targets are the levels measured on the photo's working square, the part the model sees (low
/// and middle scales), or known from the edit that made a pair (high scale: which is better, what
/// changed, how much). Only the attributes the model was pretrained to name are asked, unless
/// `attributes` says otherwise.
public struct PretrainEvaluation {
    public let model: CalmModel
    public let encoder: PretrainEncoder
    /// Questions of each of the low and middle scales per photo (paraphrases taken in turn).
    public var questionsPerScale = 2
    /// Questions about each single low- or middle-scale attribute per photo.
    public var questionsPerAttribute = 1
    /// Edited pairs per photo for the high scale.
    public var pairsPerPhoto = 2
    /// Token budgets of generated answers: a scale or pair answer names up to three attributes,
    /// a single-attribute answer one sentence. Greedy answers of small models may loop, and
    /// a loop runs to the budget, so it bounds the evaluation's cost.
    public var maxTokens = 64
    public var focusedMaxTokens = 24
    /// Generated answers never repeat an n-gram of this many tokens (0, the default, is off).
    /// Off because taught answers repeat themselves: "As for the depth of field, … a shallow depth
    /// of field" cannot be said with trigrams banned, and the level words that can be said instead
    /// are not the model's reading. Loops end at the token budgets, and the first mention counts.
    public var noRepeatNgramSize = 0
    /// The first generated answers kept in the report, for reading.
    public var examples = 6
    /// The attributes asked about (default: those the recipe pretrained the model to name): a
    /// later phase on fewer attributes may still be asked about the earlier phases' others.
    public var attributes: [Attribute]

    public init(model: CalmModel, encoder: PretrainEncoder) {
        self.model = model
        self.encoder = encoder
        attributes = encoder.options.attributes
    }

    /// One question put to the model and what it should name; `edited` names the edited image of a pair.
    struct Probe {
        var scale: Scale, question: String, images: [RGBImage], targets: [Attribute: String], edited: String
        /// Whether the question asks about one attribute.
        var focused = false
    }

    /// Evaluates on `photos` (id and image, as the pretraining reader would decode them).
    public func run(photos: [(id: String, image: RGBImage)]) throws -> AttributeReport {
        model.eval()
        // Ids only: the model's vocabulary is larger than the tokenizer's (calm-tiny: 4096 rows for a
        // smaller trained vocabulary), and an untrained model emits the unused ids, which name nothing.
        let generator = Generator(model: model, tokenIds: encoder.tokenIds, tokenizer: nil, stopIds: [encoder.endOfTurnId])
        let known = 0..<encoder.tokenizer.vocabularySize
        let parser = LevelParser()
        var generated = LevelAccuracy(), focused = LevelAccuracy(), chosen = LevelAccuracy()
        var examples = [AttributeReport.Example]()
        for (index, photo) in photos.enumerated() {
            for probe in probes(index: index, id: photo.id, image: photo.image) {
                let ids = try generator.generate(try encoder.prompt(question: probe.question, scale: probe.scale),
                                                 images: pixels(probe.images),
                                                 options: .init(maxTokens: probe.focused ? focusedMaxTokens : maxTokens,
                                                                noRepeatNgramSize: noRepeatNgramSize)).ids
                let answer = try encoder.tokenizer.decode(ids.filter(known.contains), skipSpecialTokens: true)
                if probe.focused { focused.record(targets: probe.targets, named: parser.levels(in: answer)) }
                else { generated.record(targets: probe.targets, named: parser.levels(in: answer)) }
                if examples.count < self.examples {
                    examples.append(.init(photo: photo.id, question: probe.question, answer: answer,
                                          targets: Dictionary(uniqueKeysWithValues: probe.targets.map { ($0.key.rawValue, $0.value) })))
                }
                guard !probe.focused else { continue }
                // The edit's strength is left out: its sentences carry the edit's amount, which gives it away.
                let choices = try probe.targets.keys.filter { $0 != .editStrength }.map { ($0, try mostProbableLevel($0, probe)) }
                chosen.record(targets: probe.targets.filter { $0.key != .editStrength }, named: Dictionary(uniqueKeysWithValues: choices))
            }
        }
        return AttributeReport(photos: photos.count, generated: .init(generated.rows), focused: .init(focused.rows),
                               forcedChoice: .init(chosen.rows), examples: examples)
    }

    /// The questions for one photo: low and middle questions, about a scale and about each
    /// attribute, whose targets are its measured levels, and pairs with held-out edits
    /// (variations no training epoch draws).
    func probes(index: Int, id: String, image: RGBImage) -> [Probe] {
        let generator = PretrainSampleGenerator(longSide: encoder.imageSide, attributes: attributes, pairEdits: encoder.options.pairEdits)
        let square = generator.workingSquare(image)
        let levels = ImageAttributes(WorkingImage(square, longSide: encoder.imageSide)).levels.filter { generator.attributes.contains($0.key) }
        var probes = [Probe]()
        for scale in generator.scales where scale != .high {
            let questions = Questions.paraphrases(scale)
            for k in 0..<questionsPerScale {
                probes.append(Probe(scale: scale, question: questions[(index * questionsPerScale + k) % questions.count],
                                    images: [square], targets: levels.filter { $0.key.scale == scale }, edited: ""))
            }
            for attribute in generator.attributes where attribute.scale == scale {
                let questions = Questions.about(attribute)
                for k in 0..<questionsPerAttribute {
                    probes.append(Probe(scale: scale, question: questions[(index * questionsPerAttribute + k) % questions.count],
                                        images: [square], targets: [attribute: levels[attribute]!], edited: "", focused: true))
                }
            }
        }
        guard generator.scales.contains(.high) else { return probes }
        for pair in 0..<pairsPerPhoto {
            let sample = generator.sample(image: image, id: id, epoch: Self.heldOutEpoch + pair, scale: .high)
            probes.append(Probe(scale: .high, question: sample.question, images: sample.images, targets: sample.targets,
                                edited: sample.images[0] == square ? "second" : "first"))
        }
        return probes
    }

    /// Pair variations for evaluation come from epochs far beyond any training run.
    static let heldOutEpoch = 1 << 30

    /// The level of `attribute` whose canonical sentence (first frame, first phrase) has the
    /// highest total log-probability as the answer to the probe's question.
    func mostProbableLevel(_ attribute: Attribute, _ probe: Probe) throws -> String {
        let levels = attribute.levels
        let samples = try levels.map { level in
            let sentence = SentenceRenderer.templateSentences(attribute, level: level)[0].replacingOccurrences(of: "{which}", with: probe.edited)
            return try encoder.sequence(question: probe.question, answer: sentence, scale: probe.scale)
        }
        let scores = try logProbabilities(samples, images: Array(repeating: probe.images, count: levels.count).flatMap { $0 })
        return levels[scores.indices.max { scores[$0] < scores[$1] }!]
    }

    /// The total log-probability of each sample's trained (answer) tokens; `images` in placeholder order.
    func logProbabilities(_ samples: [MultimodalSample], images: [RGBImage]) throws -> [Double] {
        let batch = try MultimodalBatch(samples: samples, images: pixels(images), tokenIds: encoder.tokenIds, config: model.config,
                                        padId: encoder.endOfTurnId)
        let logProbabilities = noGrad { model.logits(batch).logSoftmax() }.value.to(.float32).toArray(Float.self)
        let labels = batch.labels.toArray(Int64.self)
        let (t, v) = (batch.length, model.config.language.vocabularySize)
        return samples.indices.map { b in
            (0..<t).reduce(0.0) { sum, i in
                let label = labels[b * t + i]
                return label < 0 ? sum : sum + Double(logProbabilities[(b * t + i) * v + Int(label)])
            }
        }
    }

    /// The vision encoder's input for images, stacked [N, 3, S, S].
    private func pixels(_ images: [RGBImage]) -> Tensor {
        let side = encoder.imageSide
        return Tensor(images.flatMap(encoder.pixels), shape: [images.count, 3, side, side])
    }
}

/// The evaluation's result, as printed by `calm eval attributes --json`.
public struct AttributeReport: Codable, Equatable {
    public struct AttributeRow: Codable, Equatable {
        public var attribute: String, scale: String
        public var asked: Int, named: Int, correct: Int
        public var accuracy: Double?, coverage: Double, chance: Double, majority: Double
        /// Mean per-level recall over the questions asked (see `LevelAccuracy`).
        public var balancedAccuracy: Double
    }

    /// Accuracy over a scale's named levels, with the baselines averaged over the same mentions.
    public struct ScaleSummary: Codable, Equatable {
        public var named: Int, correct: Int
        public var accuracy: Double?, chance: Double?, majority: Double?
    }

    /// One way of reading levels from the model: per attribute, and per scale.
    public struct Section: Codable, Equatable {
        public var attributes: [AttributeRow]
        public var scales: [String: ScaleSummary]

        init(_ rows: [LevelAccuracy.Row]) {
            attributes = rows.map {
                AttributeRow(attribute: $0.attribute.rawValue, scale: $0.attribute.scale.rawValue, asked: $0.asked, named: $0.named,
                             correct: $0.correct, accuracy: $0.accuracy, coverage: $0.coverage, chance: $0.chance, majority: $0.majority,
                             balancedAccuracy: $0.balancedAccuracy)
            }
            scales = [:]
            for scale in Scale.allCases {
                let rows = rows.filter { $0.attribute.scale == scale }
                let named = rows.reduce(0) { $0 + $1.named }, correct = rows.reduce(0) { $0 + $1.correct }
                func weighted(_ value: (LevelAccuracy.Row) -> Double) -> Double? {
                    named > 0 ? rows.reduce(0) { $0 + value($1) * Double($1.named) } / Double(named) : nil
                }
                scales[scale.rawValue] = ScaleSummary(named: named, correct: correct, accuracy: named > 0 ? Double(correct) / Double(named) : nil,
                                                      chance: weighted(\.chance), majority: weighted(\.majority))
            }
        }
    }

    public struct Example: Codable, Equatable {
        public var photo: String, question: String, answer: String
        public var targets: [String: String]
    }

    public var photos: Int
    /// Levels named in generated answers to the scale questions.
    public var generated: Section
    /// Levels named in generated answers to the single-attribute questions.
    public var focused: Section
    /// The most probable canonical sentence per attribute.
    public var forcedChoice: Section
    public var examples: [Example]

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

extension PretrainEvaluation {
    /// The model of a pretrain checkpoint, with the recipe and tokenizer saved in it.
    public init(checkpoint path: String) throws {
        let checkpoint = try TrainingCheckpoint.read(from: CheckpointDirectory.resolve(path))
        let recipe = try Recipe.parse(yaml: checkpoint.recipe, file: path, checkFiles: false)
        guard let json = checkpoint.tokenizer else { throw TrainingError("\(path): the checkpoint holds no tokenizer") }
        let (model, encoder) = try PretrainStage.build(recipe, tokenizer: try Tokenizer(huggingFaceJSON: Data(json.utf8)), source: path)
        _ = try loadWeights(from: path, into: model.parameters())
        self.init(model: model, encoder: encoder)
    }

    /// The freshly initialized model of `recipe`: the baseline before pretraining (step 0).
    public init(untrained recipe: Recipe) throws {
        guard let tokenizerPath = recipe.model.tokenizer else { throw TrainingError("\(recipe.file): model.tokenizer is required") }
        let (model, encoder) = try PretrainStage.build(recipe, tokenizer: try Tokenizer.load(path: tokenizerPath), source: tokenizerPath)
        self.init(model: model, encoder: encoder)
    }
}
