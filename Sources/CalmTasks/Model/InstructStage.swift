import CalmAutograd
import CalmData
import CalmImage
import CalmModels
import CalmSelfSupervision
import CalmTensor
import CalmText
import CalmTraining
import Foundation

/// The instruct and personalize stages: every record of the recipe's instruction sources, in a
/// seeded order per epoch, encoded with the plain chat template (loss on the answers only),
/// its images read from the folder of its instruction file. The data position is
/// (epoch, index), so resume is exact.
public final class InstructStage: ShardedStage {
    /// Text tokens kept per record (the answer's end may be cut on long critiques).
    public static let textTokens = 96

    public let model: CalmModel
    public let assessor: CalmAssessor
    public var parameters: [(name: String, variable: Variable)] { model.parameters() }
    private let records: [(record: InstructionRecord, folder: ImageFolder)]
    private let batchSize: Int
    private let seed: UInt64
    private var epoch = 0, index = 0
    private var order: [Int] = []

    /// Builds the model (fresh weights: the runtime applies `model.init_from`) and reads the
    /// records. The tokenizer is `given`, else `model.tokenizer`, else the one `model.init_from` carries.
    public init(recipe: Recipe, tokenizer given: Tokenizer? = nil) throws {
        let config = try CalmConfig.load(recipe.model.config)
        let tokenizer: Tokenizer
        if let given {
            tokenizer = given
        } else if let path = recipe.model.tokenizer {
            tokenizer = try Tokenizer.load(path: path)
        } else if let initFrom = recipe.model.initFrom,
                  let json = try TrainingCheckpoint.read(from: CheckpointDirectory.resolve(initFrom)).tokenizer {
            tokenizer = try Tokenizer(huggingFaceJSON: Data(json.utf8))
        } else {
            throw TrainingError("\(recipe.file): the \(recipe.stage.rawValue) stage needs model.tokenizer, or a model.init_from checkpoint that carries one")
        }
        model = CalmModel(config, seed: UInt64(bitPattern: Int64(recipe.train.seed)))
        assessor = try CalmAssessor(model: model, tokenizer: tokenizer)
        model.train()
        var records: [(InstructionRecord, ImageFolder)] = []
        for source in recipe.data.sources where source.kind == .instructions {
            let url = URL(fileURLWithPath: source.path)
            let folder = ImageFolder(url.deletingLastPathComponent())
            let set = try InstructionSet.read(url, images: folder)
            records += set.records.map { ($0, folder) }
        }
        guard !records.isEmpty else { throw TrainingError("\(recipe.file): the instruction sources hold no usable record") }
        self.records = records
        batchSize = recipe.train.batchSize
        seed = UInt64(bitPattern: Int64(recipe.train.seed))
        order = shuffledOrder(epoch: 0)
    }

    /// The record order of an epoch: Fisher–Yates driven by (seed, epoch).
    private func shuffledOrder(epoch: Int) -> [Int] {
        var random = SeededRandom(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        return Array(records.indices).shuffled(using: &random)
    }

    public func nextMicroBatch(shards count: Int, random: inout RandomGenerator) throws -> [MicroBatchShard] {
        var samples: [MultimodalSample] = [], images: [RGBImage] = []
        while samples.count < batchSize {
            if index == order.count { epoch += 1; index = 0; order = shuffledOrder(epoch: epoch) }
            let (record, folder) = records[order[index]]
            index += 1
            samples.append(try encode(record))
            images += try record.images.map { id in
                try ImageDecoder.decode(folder.bytes(for: id), name: folder.root.appendingPathComponent(id).path)
            }
        }
        return try MultimodalBatch.shards(samples: samples, images: assessor.imageTensor(images), count: count,
                                          tokenIds: assessor.tokenIds, config: model.config, padId: assessor.endOfTurnId)
            .map { MicroBatchShard(model, $0) }
    }

    /// One record as a training sequence: human turns as the user's, gpt turns as the assistant's.
    func encode(_ record: InstructionRecord) throws -> MultimodalSample {
        let turns = record.conversations.map { ChatTurn($0.from == .human ? .user : .assistant, $0.value) }
        let encoded = try assessor.template.encode(turns, with: assessor.tokenizer)
        let kept = min(encoded.ids.count, Self.textTokens)
        return MultimodalSample(ids: Array(encoded.ids.prefix(kept)), lossMask: Array(encoded.lossMask.prefix(kept)))
    }

    public var dataPosition: String { "{\"epoch\": \(epoch), \"index\": \(index)}" }

    public func restore(dataPosition: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(dataPosition.utf8)) as? [String: Int],
              let epoch = object["epoch"], let index = object["index"], epoch >= 0, (0...records.count).contains(index) else {
            throw TrainingError("data position '\(dataPosition)' is not an instruct position {\"epoch\", \"index\"}")
        }
        (self.epoch, self.index, order) = (epoch, index, shuffledOrder(epoch: epoch))
    }
}
