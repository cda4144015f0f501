import CalmAutograd
import CalmData
import CalmModels
import CalmNN
import CalmSelfSupervision
import CalmTensor
import CalmText
import Foundation

/// Multi-scale text-guided self-supervised pretraining (architecture.md §2): every photo of the
/// recipe's shards becomes, on the reader's worker threads, a question about one scale and an
/// answer rendered from its pseudo-labels; the loss is next-token cross-entropy on the answer,
/// with the answer routed to its scale's query tokens unless `pretrain.routing` is off.
///
/// With `pretrain.level_heads` > 0 (ours), linear heads (`level_heads.low`, `level_heads.middle`)
/// also name the measured levels of each single-image sample from its scale's Q-Former tokens,
/// as the language model sees them, and their cross-entropy joins the loss with that weight.
/// Why: an answer's only image-dependent word is its level, so the Q-Formers learn little from
/// the answer loss alone; BLIP-2 likewise trains its Q-Former on objectives of its own. The
/// vision warm-up showed the frozen encoder carries composition (heads at 40–50 % balanced
/// where chance is 33 %) while the answers named one level whatever the photo.
///
/// The sample drawn for a record depends only on (seed, epoch, record), through the reader's
/// per-record generator, so resume is exact.
public final class PretrainStage: ShardedStage, EvaluatingStage {
    public let model: CalmModel
    public let encoder: PretrainEncoder
    /// The level heads of the low and middle scales (none without `pretrain.level_heads`).
    private let levelHeads: [(scale: Scale, head: LevelHead)]
    private let levelWeight: Double
    public var parameters: [(name: String, variable: Variable)] { model.parameters() + levelHeads.flatMap(\.head.parameters) }
    /// Seconds `nextMicroBatch` spent waiting for the reader (0 when prefetching keeps up).
    public private(set) var dataWaitSeconds = 0.0

    private let shards: ShardSet
    /// Photos held out for `evaluate` (the shards source named `heldout`), if any.
    private let heldout: ShardSet?
    private let options: ShardReader<PretrainExample>.Options
    private let generator: PretrainSampleGenerator
    /// The answer-loss weights of `pretrain.balance_levels` (nil when off).
    public let levelBalance: LevelBalance?
    private var reader: ShardReader<PretrainExample>

    /// Builds the model (fresh weights from `train.seed`; the runtime applies `model.init_from`),
    /// loads `model.language_weights` into `llm.*` when given, and opens the first shards source.
    public init(recipe: Recipe) throws {
        let sources = recipe.data.sources.filter { $0.kind == .shards }
        guard let source = sources.first(where: { $0.name != "heldout" }) else {
            throw TrainingError("\(recipe.file): the pretrain stage needs a data source of kind 'shards' (besides 'heldout')")
        }
        heldout = try sources.first { $0.name == "heldout" }.map { try ShardSet(folder: $0.path) }
        guard let tokenizerPath = recipe.model.tokenizer else {
            throw TrainingError("\(recipe.file): model.tokenizer is required (e.g. Datasets/tokenizers/calm-tiny.json)")
        }
        (model, encoder) = try Self.build(recipe, tokenizer: try Tokenizer.load(path: tokenizerPath), source: tokenizerPath)
        if let languageWeights = recipe.model.languageWeights {
            // calm's special tokens extend the imported vocabulary (see `CalmConfig` files).
            let report = try loadWeights(from: languageWeights, into: model.parameters().filter { $0.name.hasPrefix("llm.") },
                                         growingRows: ["llm.embed.weight", "llm.lm_head.weight"])
            guard report.initialized.isEmpty else {
                throw TrainingError("\(languageWeights): no tensor for \(report.initialized.prefix(3).joined(separator: ", ")) (\(report.initialized.count) llm.* parameters missing)")
            }
        }
        levelWeight = recipe.pretrain.levelHeads
        var initializer = Initializer(seed: UInt64(bitPattern: Int64(recipe.train.seed)) ^ 0x1e7e1)
        let width = model.config.mfam.queries * model.config.language.width
        levelHeads = levelWeight == 0 ? [] : [Scale.low, .middle].compactMap { scale in
            LevelHead(name: "level_heads.\(scale.rawValue)", attributes: recipe.pretrain.attributes.filter { $0.scale == scale },
                      width: width, using: &initializer).map { (scale, $0) }
        }
        if let untrained = levelHeads.flatMap(\.head.parameters).first(where: { !recipe.trains(parameter: $0.name) }) {
            throw TrainingError("\(recipe.file): pretrain.level_heads is \(levelWeight) but train.trainable does not train '\(untrained.name)' (add \"level_heads.*\")")
        }
        generator = try recipe.pretrain.sampleGenerator(imageSide: encoder.imageSide)
        shards = try ShardSet(folder: source.path)
        options = .init(batchSize: recipe.train.batchSize, seed: UInt64(bitPattern: Int64(recipe.train.seed)),
                        shuffleBuffer: recipe.data.shuffleBuffer, workers: recipe.data.workers)
        levelBalance = recipe.pretrain.balanceLevels
            ? try LevelBalance.measure(recipe.pretrain, imageSide: encoder.imageSide, shards: shards, workers: recipe.data.workers) : nil
        reader = try Self.makeReader(shards, options, nil, generator, encoder, levelBalance)
    }

    public var notes: [String] { levelBalance.map { ["level balance (pretrain.balance_levels), share of samples and answer weight:"] + $0.summary.map { "  " + $0 } } ?? [] }

    public func nextMicroBatch(shards count: Int, random: inout RandomGenerator) throws -> [MicroBatchShard] {
        let examples = try nextExamples(), batches = try makeBatches(examples, shards: count)
        guard !levelHeads.isEmpty else { return batches.map { MicroBatchShard(model, $0) } }
        return zip(batches, MultimodalBatch.shardRanges(samples: examples.count, count: count)).map { batch, range in
            MicroBatchShard(tokens: batch.labeledTokens, images: batch.imageCount, averagedOver: batch.labeledTokens) { [self] in
                let groups = model.mfam(model.vision(Variable(batch.images)))
                let answers = model.loss(batch, visual: Variable.cat(groups, axis: 1))
                return levelLoss(Array(examples[range]), groups: groups).map { answers + $0 * levelWeight } ?? answers
            }
        }
    }

    /// The level heads' mean cross-entropy over every (sample, attribute) that `examples`' low- and
    /// middle-scale answers name, each read from its photo's tokens in `groups` (the visual token
    /// groups of the examples' images, `MFAM` order); nil when they name none.
    func levelLoss(_ examples: [PretrainExample], groups: [Variable]) -> Variable? {
        var firstImage = [Int](), next = 0
        for example in examples { firstImage.append(next); next += example.pixels.count }
        return meanCrossEntropy(classifyLevels(examples.indices.map { (firstImage[$0], examples[$0].levels) }, groups: groups))
    }

    /// The level heads' logits for the (image, attribute, level) rows `asked` names: each image's
    /// row index in `groups` with the levels its answer names.
    private func classifyLevels(_ asked: [(image: Int, levels: [(attribute: Attribute, level: Int)])], groups: [Variable]) -> [ClassifiedRows] {
        levelHeads.compactMap { scale, head in
            let rows = asked.flatMap { image, levels in levels.filter { $0.attribute.scale == scale }.map { (image, $0.attribute, $0.level) } }
            guard !rows.isEmpty else { return nil }
            let tokens = groups[scale == .low ? 0 : 1].indexSelect(axis: 0, Tensor(rows.map { Int64($0.0) }))
            return head.classify(tokens.reshaped([rows.count, -1]), rows.map { ($0.1, $0.2) })
        }
    }

    /// With level heads and a shards source named `heldout`: per attribute, the accuracy and
    /// balanced accuracy (`LevelAccuracy`) of the levels the heads name from each held-out photo's
    /// Q-Former tokens (its centred square, as it is). Whether the tokens carry what an answer
    /// should name, apart from whether the language model names it.
    public func evaluate() throws -> [String: Double] {
        guard let heldout, !levelHeads.isEmpty else { return [:] }
        var options = ShardReader<(pixels: [Float], levels: [(attribute: Attribute, level: Int)])>.Options(
            batchSize: self.options.batchSize, seed: self.options.seed, shuffleBuffer: 0, workers: self.options.workers)
        options.epochs = 1
        let attributes = levelHeads.flatMap(\.head.attributes)
        let reader = try ShardReader(shards: heldout, options: options) { [generator, encoder] record, _ in
            let working = WorkingImage(generator.workingSquare(try record.decodedImage()), longSide: encoder.imageSide)
            return (encoder.pixels(working.image), attributes.map { ($0, $0.levels.firstIndex(of: ImageAttributes.level($0, of: working)!)!) })
        }
        var tally = LevelAccuracy()
        let side = encoder.imageSide
        while let batch = try reader.next(), !batch.isEmpty {
            let groups = model.mfam(model.vision(Variable(Tensor(Array(batch.map(\.pixels).joined()), shape: [batch.count, 3, side, side]))))
            tally.record(classifyLevels(batch.enumerated().map { ($0.offset, $0.element.levels) }, groups: groups))
        }
        return tally.metrics
    }

    /// The reader's next batch of examples; the time spent waiting for it adds to `dataWaitSeconds`.
    public func nextExamples() throws -> [PretrainExample] {
        try reader.nextBatch(of: shards.folder, waitingSeconds: &dataWaitSeconds)
    }

    /// The model batch of some examples: padded sequences, stacked images, routing masks.
    public func makeBatch(_ examples: [PretrainExample]) throws -> MultimodalBatch {
        try makeBatches(examples, shards: 1)[0]
    }

    /// The examples cut into `count` shards (`MultimodalBatch.shards`), each a model batch.
    public func makeBatches(_ examples: [PretrainExample], shards count: Int) throws -> [MultimodalBatch] {
        let side = encoder.imageSide
        let pixels = examples.flatMap { $0.pixels.joined() }
        return try MultimodalBatch.shards(samples: examples.map(\.sample),
                                          images: Tensor(pixels, shape: [pixels.count / (3 * side * side), 3, side, side]),
                                          count: count, tokenIds: encoder.tokenIds, config: model.config, padId: encoder.endOfTurnId)
    }

    public var dataPosition: String { reader.position.text }

    public func restore(dataPosition: String) throws {
        reader = try Self.makeReader(shards, options, try ShardReaderPosition(text: dataPosition), generator, encoder, levelBalance)
    }

    /// The recipe's model (fresh weights from `train.seed`) and its encoder; calm's special tokens
    /// are added to a tokenizer that lacks them (an imported one).
    static func build(_ recipe: Recipe, tokenizer: Tokenizer, source: String) throws -> (CalmModel, PretrainEncoder) {
        let config = try CalmConfig.load(recipe.model.config)
        let tokenizer = tokenizer.id(of: CalmTokens.image) == nil ? tokenizer.addingCalmTokens() : tokenizer
        guard tokenizer.vocabularySize <= config.language.vocabularySize else {
            throw TrainingError("\(source): \(tokenizer.vocabularySize) tokens do not fit the model's vocabulary of \(config.language.vocabularySize)")
        }
        let encoder = try PretrainEncoder(tokenizer: tokenizer, options: recipe.pretrain, imageSide: config.vision.imageSize)
        return (CalmModel(config, seed: UInt64(bitPattern: Int64(recipe.train.seed))), encoder)
    }

    private static func makeReader(_ shards: ShardSet, _ options: ShardReader<PretrainExample>.Options, _ position: ShardReaderPosition?,
                                   _ generator: PretrainSampleGenerator, _ encoder: PretrainEncoder,
                                   _ balance: LevelBalance?) throws -> ShardReader<PretrainExample> {
        try ShardReader(shards: shards, options: options, resumingFrom: position) { record, random in
            // The record's generator picks the sample's variation (scale, attributes, paraphrases, edit).
            let sample = generator.sample(image: try record.decodedImage(), id: record.id, epoch: Int(random.next() >> 33))
            var training = try encoder.trainingSample(sample)
            training.lossWeight = balance?.weight(sample) ?? 1
            return PretrainExample(sample: training, pixels: sample.images.map(encoder.pixels), scale: sample.scale,
                                   levels: sample.scale == .high ? [] : sample.levelIndices)
        }
    }
}

/// One pretraining example, ready to batch: its token sequence and its images' pixels.
public struct PretrainExample: Sendable {
    public var sample: MultimodalSample
    /// CHW pixels of each image, in placeholder order.
    public var pixels: [[Float]]
    public var scale: Scale
    /// The levels a low- or middle-scale answer names (none for a pair), for the level heads.
    var levels: [(attribute: Attribute, level: Int)] = []
}
