import CalmAutograd
import CalmData
import CalmImage
import CalmModels
import CalmNN
import CalmTensor
import Foundation
@testable import CalmTraining

/// calm-tiny plugged into the runtime the way the pretrain/instruct stages will be: the real
/// model and loss, batches from image shards. The text is synthetic (no tokenizer needed): a
/// prompt and a one-token answer naming the image's label bin, so the loss is next-token
/// cross-entropy on the answer, through the vision tower, the MFAM and the LLM.
final class CalmTinyStage: ShardedStage {
    let model = CalmModel(.tiny, seed: 5)
    let parameters: [(name: String, variable: Variable)]
    private let shards: ShardSet
    private let options: ShardReader<(pixels: [Float], answer: Int)>.Options
    private var reader: ShardReader<(pixels: [Float], answer: Int)>
    private let tokenIds = CalmTokenIds(image: 4090, low: 4091, middle: 4092, high: 4093, thematic: 4094)

    init(shards folder: String, batchSize: Int) throws {
        parameters = model.parameters()
        shards = try ShardSet(folder: folder)
        options = .init(batchSize: batchSize, seed: 1, shuffleBuffer: 4, workers: 1)
        reader = try Self.makeReader(shards, options, nil)
    }

    func nextMicroBatch(shards count: Int, random: inout RandomGenerator) throws -> [MicroBatchShard] {
        let examples = try reader.next()!
        let side = CalmConfig.tiny.vision.imageSize
        let images = Tensor(examples.flatMap(\.pixels), shape: [examples.count, 3, side, side])
        let samples = examples.map { example in
            MultimodalSample(ids: [1, tokenIds.image, 20, 21, 22, 100 + example.answer, 2],
                             lossMask: [false, false, false, false, false, true, true])
        }
        return try MultimodalBatch.shards(samples: samples, images: images, count: count, tokenIds: tokenIds, config: .tiny)
            .map { MicroBatchShard(model, $0) }
    }

    var dataPosition: String { String(decoding: try! JSONEncoder().encode(reader.position), as: UTF8.self) }

    func restore(dataPosition: String) throws {
        reader = try Self.makeReader(shards, options, JSONDecoder().decode(ShardReaderPosition.self, from: Data(dataPosition.utf8)))
    }

    /// The dropout modules' own generators, by module path.
    var generators: [String: RandomGenerator] { Dictionary(uniqueKeysWithValues: dropouts().map { ($0.path, $0.module.generator) }) }

    func restore(generators: [String: RandomGenerator]) throws {
        for (path, module) in dropouts() {
            guard let generator = generators[path] else { throw TrainingError("the checkpoint has no generator for \(path)") }
            module.generator = generator
        }
    }

    private func dropouts() -> [(path: String, module: Dropout)] {
        func walk(_ module: Module, _ path: String) -> [(path: String, module: Dropout)] {
            (module as? Dropout).map { [(path, $0)] } ?? module.children.flatMap { walk($0.1, path.isEmpty ? $0.0 : path + "." + $0.0) }
        }
        return walk(model, "")
    }

    private static func makeReader(_ shards: ShardSet, _ options: ShardReader<(pixels: [Float], answer: Int)>.Options,
                                   _ position: ShardReaderPosition?) throws -> ShardReader<(pixels: [Float], answer: Int)> {
        try ShardReader(shards: shards, options: options, resumingFrom: position) { sample, _ in
            let side = CalmConfig.tiny.vision.imageSize
            let pixels = try sample.decodedImage().resized(width: side, height: side).normalizedCHW()
            return (pixels, min(9, Int((sample.label?.first ?? 0) * 10)))
        }
    }
}
