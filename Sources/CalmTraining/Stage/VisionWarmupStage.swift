import CalmAutograd
import CalmData
import CalmModels
import CalmNN
import CalmSelfSupervision
import CalmTensor
import Foundation

/// The vision warm-up (`stage: vision`, ours): before text-guided pretraining, a vision encoder
/// trained from scratch learns to tell the pseudo-labels from the pixels alone. Linear heads read
/// the tap that each scale's Q-Former reads: a photo's low tap (its mean token) and middle tap
/// (its patch tokens averaged over a `warmup.middle_grid` grid) for its single-image attributes,
/// the two photos' high taps (mean tokens) side by side for a pair's judgements.
/// The loss is the cross-entropy of the measured level. The samples and pseudo-labels are the
/// pretrain stage's (`pretrain.*` keys).
///
/// Why: the paper starts from CLIP weights. From scratch, the only signal that reaches the ViT
/// through the language model is the level word of an answer, swamped by the gradient of the
/// paraphrase words; the ViT's blocks then stay near their initialization, and attributes that
/// need new features (sharpness, noise, composition) stay at chance while those that random
/// features already carry (mean brightness and colour) are learned. The next stage loads
/// `vision.*` through `model.init_from`; the heads (`warmup.*`) are left behind.
public final class VisionWarmupStage: EvaluatingStage {
    public let vision: VisionEncoder
    /// The attributes the heads name.
    public let attributes: [Attribute]
    private let low: LevelHead?, middle: LevelHead?, pair: LevelHead?
    /// Cells per side of the middle tap's pooling grid.
    private let middleGrid: Int
    public var parameters: [(name: String, variable: Variable)] {
        vision.parameters().map { ("vision." + $0.name, $0.variable) } + [low, middle, pair].compactMap { $0 }.flatMap(\.parameters)
    }

    private let shards: ShardSet
    /// Photos held out for `evaluate` (the shards source named `heldout`), if any.
    private let heldout: ShardSet?
    private let options: ShardReader<Example>.Options
    private let generator: PretrainSampleGenerator
    private var reader: ShardReader<Example>

    /// One sample's photos (one, or a pair) and the level index of each attribute it names.
    public struct Example: Sendable { var images: [[Float]]; var levels: [(attribute: Attribute, level: Int)] }
    /// Seconds `nextExamples` spent waiting for the reader (0 when prefetching keeps up).
    public private(set) var dataWaitSeconds = 0.0

    public init(recipe: Recipe) throws {
        let sources = recipe.data.sources.filter { $0.kind == .shards }
        guard let source = sources.first(where: { $0.name != "heldout" }) else {
            throw TrainingError("\(recipe.file): the vision stage needs a data source of kind 'shards' (besides 'heldout')")
        }
        heldout = try sources.first { $0.name == "heldout" }.map { try ShardSet(folder: $0.path) }
        let config = try CalmConfig.load(recipe.model.config).vision
        var initializer = Initializer(seed: UInt64(bitPattern: Int64(recipe.train.seed)))
        vision = VisionEncoder(config, using: &initializer)
        attributes = recipe.pretrain.attributes
        middleGrid = recipe.warmup.middleGrid
        let side = config.imageSize / config.patchSize
        guard side % middleGrid == 0 else {
            throw TrainingError("\(recipe.file): warmup.middle_grid (\(middleGrid)) must divide the \(side) patches per side of \(recipe.model.config)")
        }
        low = LevelHead(name: "warmup.low_heads", attributes: attributes.filter { $0.scale == .low }, width: config.width, using: &initializer)
        middle = LevelHead(name: "warmup.middle_heads", attributes: attributes.filter { $0.scale == .middle },
                           width: middleGrid * middleGrid * config.width, using: &initializer)
        pair = LevelHead(name: "warmup.pair_heads", attributes: attributes.filter { $0.scale == .high }, width: 2 * config.width, using: &initializer)
        generator = try recipe.pretrain.sampleGenerator(imageSide: config.imageSize)
        shards = try ShardSet(folder: source.path)
        options = .init(batchSize: recipe.train.batchSize, seed: UInt64(bitPattern: Int64(recipe.train.seed)),
                        shuffleBuffer: recipe.data.shuffleBuffer, workers: recipe.data.workers)
        reader = try Self.makeReader(shards, options, nil, generator, side: config.imageSize)
    }

    public func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch {
        let examples = try nextExamples()
        return MicroBatch(loss: loss(examples), images: examples.reduce(0) { $0 + $1.images.count })
    }

    /// The reader's next batch of examples; the time spent waiting for it adds to `dataWaitSeconds`.
    public func nextExamples() throws -> [Example] {
        try reader.nextBatch(of: shards.folder, waitingSeconds: &dataWaitSeconds)
    }

    /// Mean cross-entropy over every (sample, attribute) pair of the batch.
    public func loss(_ examples: [Example]) -> Variable {
        meanCrossEntropy(classify(examples))!
    }

    /// The logits of every (sample, attribute) pair of `examples`, one group per head.
    private func classify(_ examples: [Example]) -> [ClassifiedRows] {
        let side = vision.config.imageSize
        let images = examples.flatMap(\.images)
        let taps = vision(Variable(Tensor(Array(images.joined()), shape: [images.count, 3, side, side]))).taps
        var first = [Int](), next = 0
        for example in examples { first.append(next); next += example.images.count }
        var groups = [ClassifiedRows]()
        // Every (sample index, attribute, level index) the batch asks about.
        let asked = examples.indices.flatMap { i in examples[i].levels.map { (i, $0.attribute, $0.level) } }
        let patchesPerSide = side / vision.config.patchSize
        for (scale, head, tap, grid) in [(Scale.low, low, 0, 1), (.middle, middle, 1, middleGrid)] {
            let rows = asked.filter { $0.1.scale == scale }
            guard let head, !rows.isEmpty else { continue }
            let features = Self.gridPooled(taps[tap], side: patchesPerSide, grid: grid)
            groups.append(head.classify(features.indexSelect(axis: 0, Tensor(rows.map { Int64(first[$0.0]) })), rows.map { ($0.1, $0.2) }))
        }
        let judgements = asked.filter { $0.1.scale == .high }
        if let pair, !judgements.isEmpty {
            // The two photos' high-tap mean tokens side by side, first photo first.
            let pooled = taps[2].mean(axes: [1])
            let rows = { (offset: Int) in Tensor(judgements.map { Int64(first[$0.0] + offset) }) }
            let features = Variable.cat([pooled.indexSelect(axis: 0, rows(0)), pooled.indexSelect(axis: 0, rows(1))], axis: 1)
            groups.append(pair.classify(features, judgements.map { ($0.1, $0.2) }))
        }
        return groups
    }

    /// Each image's features at a tap [images, 1 + side², D]: its mean token with a grid of 1,
    /// else its patch tokens averaged per cell of a grid×grid layout, cells in row-major order
    /// [images, grid² · D].
    static func gridPooled(_ tap: Variable, side: Int, grid: Int) -> Variable {
        guard grid > 1 else { return tap.mean(axes: [1]) }
        let (count, width, cell) = (tap.shape[0], tap.shape[2], side / grid)
        return tap.slice(axis: 1, 1..<(1 + side * side)).reshaped([count, grid, cell, grid, cell, width])
            .mean(axes: [2, 4]).reshaped([count, grid * grid * width])
    }

    /// With a shards source named `heldout`, per attribute, the accuracy and balanced accuracy
    /// (`LevelAccuracy`) of the levels the heads name: for each held-out photo as it is (no
    /// edit), and for one pair made from it (as pretraining makes them, epoch 0).
    public func evaluate() throws -> [String: Double] {
        guard let heldout else { return [:] }
        var tally = LevelAccuracy()
        let side = vision.config.imageSize
        var options = ShardReader<[Example]>.Options(batchSize: self.options.batchSize, seed: self.options.seed,
                                                     shuffleBuffer: 0, workers: self.options.workers)
        options.epochs = 1
        let (singles, judgements) = (attributes.filter { $0.scale != .high }, attributes.filter { $0.scale == .high })
        let reader = try ShardReader<[Example]>(shards: heldout, options: options) { [generator] record, _ in
            let image = try record.decodedImage()
            let working = WorkingImage(generator.workingSquare(image), longSide: side)
            var examples = [Example(images: [PretrainEncoder.pixels(working.image, side: side)],
                                    levels: singles.map { ($0, $0.levels.firstIndex(of: ImageAttributes.level($0, of: working)!)!) })]
            if !judgements.isEmpty { examples.append(Self.example(generator.sample(image: image, id: record.id, epoch: 0, scale: .high), side: side)) }
            return examples
        }
        while let batch = try reader.next(), !batch.isEmpty { tally.record(classify(batch.flatMap { $0 })) }
        return tally.metrics
    }

    public var dataPosition: String { reader.position.text }

    public func restore(dataPosition: String) throws {
        reader = try Self.makeReader(shards, options, try ShardReaderPosition(text: dataPosition), generator, side: vision.config.imageSize)
    }

    private static func example(_ sample: PretrainSample, side: Int) -> Example {
        Example(images: sample.images.map { PretrainEncoder.pixels($0, side: side) }, levels: sample.levelIndices)
    }

    private static func makeReader(_ shards: ShardSet, _ options: ShardReader<Example>.Options, _ position: ShardReaderPosition?,
                                   _ generator: PretrainSampleGenerator, side: Int) throws -> ShardReader<Example> {
        try ShardReader(shards: shards, options: options, resumingFrom: position) { record, random in
            example(generator.sample(image: try record.decodedImage(), id: record.id, epoch: Int(random.next() >> 33)), side: side)
        }
    }
}
