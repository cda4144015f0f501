import CalmData
import Foundation
@testable import CalmTraining

/// Real photos (the four bundled scikit-image ones, as 64×64 shards), the committed calm-tiny
/// tokenizer and a miniature CALM model, so that pretraining tests run in seconds in debug builds.
enum PretrainFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let photos = repository.appendingPathComponent("Datasets/photos/skimage").path
    static let tokenizerPath = repository.appendingPathComponent("Datasets/tokenizers/calm-tiny.json").path
    static let vocabularySize = 1400

    /// Shards and the miniature model's config, made once per test process.
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calm-pretrain-tests-\(getpid())")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try! """
            vision: {imageSize: 32, patchSize: 16, width: 32, depth: 3, heads: 2, mlpHidden: 64, taps: [1, 2, 3]}
            mfam: {queries: 2, layers: 1, heads: 2, thematicGrid: 1}
            language: {vocabularySize: \(vocabularySize), width: 32, depth: 1, heads: 2, mlpHidden: 64, kvHeads: 2}
            """.write(to: folder.appendingPathComponent("mini.yaml"), atomically: true, encoding: .utf8)
        _ = try! ShardIngest.run(IngestOptions(source: photos, output: folder.appendingPathComponent("shards").path, fixedSize: 64))
        return folder
    }()

    /// A pretrain recipe over the fixture, with a fresh run folder.
    static func recipe(_ overrides: [String] = []) throws -> Recipe {
        try Recipe.parse(yaml: """
            stage: pretrain
            model: {config: \(folder.path)/mini.yaml, tokenizer: \(tokenizerPath)}
            data:
              sources:
                photos: {kind: shards, path: \(folder.path)/shards}
              workers: 1
            train: {max_steps: 3, batch_size: 3, seed: 1}
            optimizer: {lr: 1.0e-3}
            run: {dir: \(folder.path)/run-\(UUID().uuidString)}
            """, file: "pretrain.yaml", overrides: overrides)
    }
}
