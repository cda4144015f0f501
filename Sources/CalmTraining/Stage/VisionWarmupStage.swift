import CalmAutograd
import CalmData
import CalmModels
import CalmNN
import CalmSelfSupervision
import CalmTensor
import Foundation

/// The vision warm-up (`stage: vision`, ours): before text-guided pretraining, a vision encoder
/// trained from scratch learns to tell each attribute's level from the pixels alone. A linear
/// head reads the mean token of the tap that the attribute's Q-Former reads (low or middle), and
/// the loss is the cross-entropy of the measured level. The samples and pseudo-labels are the
/// pretrain stage's (`pretrain.*` keys), pair attributes excepted.
///
/// Why: the paper starts from CLIP weights. From scratch, the only signal that reaches the ViT
/// through the language model is the level word of an answer, swamped by the gradient of the
/// paraphrase words; the ViT's blocks then stay near their initialization, and attributes that
/// need new features (sharpness, noise) stay at chance while those that random features already
/// carry (mean brightness and colour) are learned. The next stage loads `vision.*` through
/// `model.init_from`; the heads (`warmup.heads.*`) are left behind.
public final class VisionWarmupStage: EvaluatingStage {
    public let vision: VisionEncoder
    /// The attributes the heads name, and the first class of each in the heads' output.
    public let attributes: [Attribute]
    private let firstClass: [Attribute: Int]
    private let headWeight: Variable, headBias: Variable
    public var parameters: [(name: String, variable: Variable)] {
        vision.parameters().map { ("vision." + $0.name, $0.variable) }
            + [("warmup.heads.weight", headWeight), ("warmup.heads.bias", headBias)]
    }

    private let shards: ShardSet
    /// Photos held out for `evaluate` (the shards source named `heldout`), if any.
    private let heldout: ShardSet?
    private let options: ShardReader<Example>.Options
    private let generator: PretrainSampleGenerator
    private var reader: ShardReader<Example>

    /// One photo's pixels and the (attribute, level index) pairs its sample names.
    struct Example: Sendable { var pixels: [Float]; var levels: [(attribute: Attribute, level: Int)] }

    public init(recipe: Recipe) throws {
        let sources = recipe.data.sources.filter { $0.kind == .shards }
        guard let source = sources.first(where: { $0.name != "heldout" }) else {
            throw TrainingError("\(recipe.file): the vision stage needs a data source of kind 'shards' (besides 'heldout')")
        }
        heldout = try sources.first { $0.name == "heldout" }.map { try ShardSet(folder: $0.path) }
        let pairs = recipe.pretrain.attributes.filter { $0.scale == .high }
        guard pairs.isEmpty else {
            throw TrainingError("\(recipe.file): pretrain.attributes: the vision stage learns single-image attributes; drop \(pairs.map(\.rawValue).joined(separator: ", "))")
        }
        let config = try CalmConfig.load(recipe.model.config).vision
        var initializer = Initializer(seed: UInt64(bitPattern: Int64(recipe.train.seed)))
        vision = VisionEncoder(config, using: &initializer)
        attributes = recipe.pretrain.attributes
        var classes = 0, first = [Attribute: Int]()
        for attribute in attributes { first[attribute] = classes; classes += attribute.levels.count }
        firstClass = first
        headWeight = initializer.normal([classes, config.width], name: "warmup.heads.weight")
        headBias = Initializer.constant([classes], 0, name: "warmup.heads.bias")
        generator = try recipe.pretrain.sampleGenerator(imageSide: config.imageSize)
        shards = try ShardSet(folder: source.path)
        options = .init(batchSize: recipe.train.batchSize, seed: UInt64(bitPattern: Int64(recipe.train.seed)),
                        shuffleBuffer: recipe.data.shuffleBuffer, workers: recipe.data.workers)
        reader = try Self.makeReader(shards, options, nil, generator, side: config.imageSize)
    }

    public func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch {
        guard let examples = try reader.next(), !examples.isEmpty else { throw TrainingError("\(shards.folder): the shard reader ran dry") }
        return MicroBatch(loss: loss(examples), images: examples.count)
    }

    /// Mean cross-entropy over every (photo, attribute) pair of the batch.
    func loss(_ examples: [Example]) -> Variable {
        let (logits, targets) = classify(examples)
        return logits.crossEntropy(targets: Tensor(targets.map(Int64.init)))
    }

    /// The logits of every (photo, attribute) pair of `examples` and the class of its level.
    /// Each pair's logits are the head's whole output with the other attributes' classes masked
    /// out, so that one matmul serves every attribute.
    private func classify(_ examples: [Example]) -> (logits: Variable, targets: [Int]) {
        let n = examples.count, side = vision.config.imageSize
        let taps = vision(Variable(Tensor(examples.flatMap(\.pixels), shape: [n, 3, side, side]))).taps
        // Rows 0..<n: mean token of the low tap; n..<2n: of the middle tap.
        let pooled = Variable.cat([taps[0].mean(axes: [1]), taps[1].mean(axes: [1])], axis: 0)
        let pairs = examples.enumerated().flatMap { index, example in example.levels.map { (index, $0.attribute, $0.level) } }
        let rows = pairs.map { Int64($0.0 + ($0.1.scale == .middle ? n : 0)) }
        let classes = headBias.shape[0]
        var mask = [Float](repeating: -1e9, count: pairs.count * classes)
        for (row, pair) in pairs.enumerated() {
            let first = firstClass[pair.1]!
            for c in first..<(first + pair.1.levels.count) { mask[row * classes + c] = 0 }
        }
        let logits = pooled.indexSelect(axis: 0, Tensor(rows)).matmul(headWeight.transposed()) + headBias
            + Variable(Tensor(mask, shape: [pairs.count, classes]))
        return (logits, pairs.map { firstClass[$0.1]! + $0.2 })
    }

    /// With a shards source named `heldout`: per attribute, the accuracy and balanced accuracy
    /// (`LevelAccuracy`) of the level the heads name for each held-out photo as it is (no edit).
    public func evaluate() throws -> [String: Double] {
        guard let heldout else { return [:] }
        var tally = LevelAccuracy()
        let side = vision.config.imageSize
        var options = self.options
        (options.shuffleBuffer, options.epochs) = (0, 1)
        let reader = try ShardReader<Example>(shards: heldout, options: options) { [generator, attributes] record, _ in
            let working = WorkingImage(generator.workingSquare(try record.decodedImage()), longSide: side)
            let levels = attributes.map { ($0, $0.levels.firstIndex(of: ImageAttributes.level($0, of: working)!)!) }
            return Example(pixels: PretrainEncoder.pixels(working.image, side: side), levels: levels)
        }
        while let examples = try reader.next(), !examples.isEmpty {
            let (logits, targets) = classify(examples)
            let classes = headBias.shape[0], values = logits.value.toArray(Float.self)
            let pairs = examples.flatMap(\.levels)
            for (row, pair) in pairs.enumerated() {
                let first = firstClass[pair.attribute]!
                let scores = values[(row * classes + first)..<(row * classes + first + pair.attribute.levels.count)]
                let named = scores.indices.max { scores[$0] < scores[$1] }! - row * classes - first
                tally.record(targets: [pair.attribute: pair.attribute.levels[targets[row] - first]],
                             named: [pair.attribute: pair.attribute.levels[named]])
            }
        }
        return Dictionary(uniqueKeysWithValues: tally.rows.flatMap { row in
            [("\(row.attribute.rawValue).accuracy", row.accuracy ?? 0), ("\(row.attribute.rawValue).balanced", row.balancedAccuracy)]
        })
    }

    public var dataPosition: String { reader.position.text }

    public func restore(dataPosition: String) throws {
        reader = try Self.makeReader(shards, options, try ShardReaderPosition(text: dataPosition), generator, side: vision.config.imageSize)
    }

    private static func makeReader(_ shards: ShardSet, _ options: ShardReader<Example>.Options, _ position: ShardReaderPosition?,
                                   _ generator: PretrainSampleGenerator, side: Int) throws -> ShardReader<Example> {
        try ShardReader(shards: shards, options: options, resumingFrom: position) { record, random in
            let sample = generator.sample(image: try record.decodedImage(), id: record.id, epoch: Int(random.next() >> 33))
            let levels = sample.targets.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.key.levels.firstIndex(of: $0.value)!) }
            return Example(pixels: PretrainEncoder.pixels(sample.images[0], side: side), levels: levels)
        }
    }
}
