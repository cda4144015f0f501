import CalmAutograd
import CalmData
import CalmImage
import CalmTensor
import Foundation

/// A small real stage (`model.config: probe-mlp`) that exercises the whole runtime on image
/// shards while the CALM model is not yet wired in: a two-layer MLP with dropout regresses each
/// image's shard labels (e.g. aesthetic scores) from its 8×8 thumbnail, or its mean colour when
/// the shards carry no labels. Random horizontal flips and dropout masks come from the reader's
/// per-record generators, so a record is treated alike whichever rank reads it, and resume
/// only needs the reader's position.
/// Evaluation is the mean squared error over the first `evaluationImages` records in shard order.
public final class ImageProbeStage: EvaluatingStage, DataParallelStage {
    public static let thumbnailSide = 8
    public let parameters: [(name: String, variable: Variable)]
    private let shards: ShardSet
    private let options: ShardReader<Example>.Options
    private var reader: ShardReader<Example>
    private var share = BatchShare.whole
    private let hidden: Int
    private let dropout = 0.1
    public var evaluationImages = 16

    struct Example { var input: [Float]; var target: [Float]; var dropoutMask: [Float] }

    /// Reads the recipe's first `shards` source; parameter initialization draws from `train.seed`.
    public init(recipe: Recipe, hidden: Int = 32) throws {
        guard let source = recipe.data.sources.first(where: { $0.kind == .shards }) else {
            throw TrainingError("\(recipe.file): probe-mlp needs a data source of kind 'shards'")
        }
        shards = try ShardSet(folder: source.path)
        options = .init(batchSize: recipe.train.batchSize, seed: UInt64(bitPattern: Int64(recipe.train.seed)),
                        shuffleBuffer: recipe.data.shuffleBuffer, workers: recipe.data.workers)
        self.hidden = hidden
        let inputs = 3 * Self.thumbnailSide * Self.thumbnailSide
        let outputs = shards.manifest.labelNames.isEmpty ? 3 : shards.manifest.labelNames.count
        var random = RandomGenerator(seed: UInt64(bitPattern: Int64(recipe.train.seed)) ^ 0x5eed)
        func weight(_ rows: Int, _ columns: Int) -> Tensor { .normal([rows, columns], std: 1 / Double(columns).squareRoot(), using: &random) }
        parameters = [
            ("probe.fc1.weight", .parameter(weight(hidden, inputs), name: "probe.fc1.weight")),
            ("probe.fc1.bias", .parameter(.zeros([hidden]), name: "probe.fc1.bias")),
            ("probe.fc2.weight", .parameter(weight(outputs, hidden), name: "probe.fc2.weight")),
            ("probe.fc2.bias", .parameter(.zeros([outputs]), name: "probe.fc2.bias")),
        ]
        reader = try Self.makeReader(shards, options, share, hidden: hidden, dropout: dropout, nil)
    }

    public func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch {
        let examples = try reader.nextBatch(of: shards.folder)
        let dropoutMask = Tensor(examples.flatMap(\.dropoutMask), shape: [examples.count, hidden])
        return forward(examples) { $0 * Variable(dropoutMask) }
    }

    /// The mean squared error of a batch; `regularize` applies dropout to the hidden layer when training.
    private func forward(_ examples: [Example], regularize: (Variable) -> Variable = { $0 }) -> MicroBatch {
        let inputs = Variable(Tensor(examples.flatMap(\.input), shape: [examples.count, examples[0].input.count]))
        let targets = Variable(Tensor(examples.flatMap(\.target), shape: [examples.count, examples[0].target.count]))
        let p = Dictionary(uniqueKeysWithValues: parameters)
        let hiddenLayer = regularize((inputs.matmul(p["probe.fc1.weight"]!.transposed()) + p["probe.fc1.bias"]!).tanh())
        let prediction = hiddenLayer.matmul(p["probe.fc2.weight"]!.transposed()) + p["probe.fc2.bias"]!
        return MicroBatch(loss: (prediction - targets).pow(2).mean(), images: examples.count)
    }

    public func evaluate() throws -> [String: Double] {
        var evaluationOptions = options
        (evaluationOptions.shuffleBuffer, evaluationOptions.epochs) = (0, 1)
        let reader = try Self.makeReader(shards, evaluationOptions, .whole, hidden: hidden, dropout: dropout, nil)
        var (sum, count) = (0.0, 0)
        while count < evaluationImages, let examples = try reader.next() {
            sum += forward(examples).loss.value.item * Double(examples.count)
            count += examples.count
        }
        return ["mse": sum / Double(max(count, 1))]
    }

    public var dataPosition: String { reader.position.text }

    public func restore(dataPosition: String) throws {
        reader = try Self.makeReader(shards, options, share, hidden: hidden, dropout: dropout, try ShardReaderPosition(text: dataPosition))
    }

    public func readShare(rank: Int, of ranks: Int) throws {
        share = BatchShare(rank, of: ranks)
        reader = try Self.makeReader(shards, options, share, hidden: hidden, dropout: dropout, reader.position)
    }

    /// Each of `share.count` ranks reads its slice of global batches of `share.count` × `train.batch_size`.
    private static func makeReader(_ shards: ShardSet, _ options: ShardReader<Example>.Options, _ share: BatchShare,
                                   hidden: Int, dropout: Double, _ position: ShardReaderPosition?) throws -> ShardReader<Example> {
        let hasLabels = !shards.manifest.labelNames.isEmpty
        var options = options
        options.batchSize *= share.count
        options.share = share
        return try ShardReader(shards: shards, options: options, resumingFrom: position) { sample, random in
            var image = try sample.decodedImage()
            let target = hasLabels ? sample.label ?? [] : meanColour(image)
            image = image.resized(width: thumbnailSide, height: thumbnailSide)
            var input = image.normalizedCHW()
            if random.next() & 1 == 1 { flipHorizontally(&input) }
            let keep = Float(1 - dropout)
            let dropoutMask = (0..<hidden).map { _ in random.unitFloat() < keep ? 1 / keep : 0 }
            return Example(input: input, target: target, dropoutMask: dropoutMask)
        }
    }

    private static func meanColour(_ image: RGBImage) -> [Float] {
        var sums = [Double](repeating: 0, count: 3)
        for (i, value) in image.pixels.enumerated() { sums[i % 3] += Double(value) }
        return sums.map { Float($0 / Double(max(image.width * image.height, 1)) / 255) }
    }

    /// Mirrors each channel plane of a CHW thumbnail.
    private static func flipHorizontally(_ chw: inout [Float]) {
        let side = thumbnailSide
        for row in 0..<(3 * side) { chw[(row * side)..<(row * side + side)].reverse() }
    }
}
