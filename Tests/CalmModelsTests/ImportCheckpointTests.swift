import CalmAutograd
import CalmHDF5
import CalmTensor
import XCTest
@testable import CalmModels

/// The HDF5 checkpoints `calm import` writes, and CALM models built from them.
final class ImportCheckpointTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("calm-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testRoundTripKeepsConfigTensorsAndLayout() throws {
        let cases: [(String, () throws -> ImportedWeights)] = [
            ("clip.h5", { try .clipVision(folder: ImportFixtures.clipFolder) }),
            ("llama.h5", { try .llama(folder: ImportFixtures.llamaFolder) }),
            ("gguf.h5", { try .gguf(file: ImportFixtures.gguf) }),
        ]
        for (name, load) in cases {
            let imported = try load()
            try imported.write(to: path(name))
            let back = try ImportedWeights.read(from: path(name))
            XCTAssertEqual("\(back.part)", "\(imported.part)", name)
            XCTAssertEqual(back.source, imported.source, name)
            XCTAssertEqual(back.tensors.keys.sorted(), imported.tensors.keys.sorted(), name)
            for (key, tensor) in imported.tensors {
                XCTAssertEqual(back.tensors[key]!.toArray(Float.self), tensor.to(.float32).contiguous().toArray(Float.self), "\(name) \(key)")
            }
            // The dataset paths are the parameter names with "." → "/".
            let file = try HDF5File.open(path(name))
            defer { try? file.close() }
            let datasets = try file.members().filter { $0.kind == .dataset }.map(\.path)
            XCTAssertEqual(Set(datasets), Set(imported.tensors.keys.map { "/" + $0.replacingOccurrences(of: ".", with: "/") }), name)
        }
        let clip = try ImportedWeights.read(from: path("clip.h5"))
        XCTAssertNotNil(clip.tensors["vision.blocks.2.attn.qkv.weight"])
        XCTAssertEqual(clip.tensors["vision.blocks.2.attn.qkv.weight"]!.shape, [96, 32])
    }

    func testReadBackModelComputesTheSameLogits() throws {
        try ImportedWeights.gguf(file: ImportFixtures.gguf).write(to: path("tiny.h5"))
        let llama = try ImportedWeights.read(from: path("tiny.h5")).languageModel()
        let decoder = LlamaDecoder(llama)
        var rng = RandomGenerator(seed: 0)
        let tokens = decoder.generate(prompt: ImportFixtures.ints("llama.generate.prompt"), options: SamplingOptions(maxTokens: 16), using: &rng)
        XCTAssertEqual(tokens, ImportFixtures.ints("gguf.generate.tokens"))
    }

    func testCalmModelFromPretrainedVisionAndLanguage() throws {
        try ImportedWeights.clipVision(folder: ImportFixtures.clipFolder).write(to: path("vision.h5"))
        try ImportedWeights.llama(folder: ImportFixtures.llamaFolder).write(to: path("language.h5"))
        let mfam = MFAMConfig(queries: 4, layers: 1, heads: 2, thematicGrid: 2)
        let model = try CalmModel(pretrainedVision: path("vision.h5"), language: path("language.h5"), mfam: mfam, seed: 3)
        XCTAssertTrue(model.config.vision.postNorm)
        XCTAssertEqual(model.config.vision.taps, [1, 2, 3])
        XCTAssertEqual(model.config.language.kvHeads, 2)
        let vision = try ImportedWeights.read(from: path("vision.h5")).tensors
        let language = try ImportedWeights.read(from: path("language.h5")).tensors
        for (name, value) in model.stateDict() {
            if let imported = vision[name] ?? language[name] {
                XCTAssertEqual(value.toArray(Float.self), imported.toArray(Float.self), name)
            } else {
                XCTAssertTrue(name.hasPrefix("mfam."), "\(name) was neither imported nor part of the fresh MFAM")
            }
        }
        // The MFAM is fresh (seeded), and the whole model runs: 3·4 queries + 2·2 thematic tokens.
        var rng = RandomGenerator(seed: 11)
        let images = Tensor.normal([1, 3, 32, 32], using: &rng)
        XCTAssertEqual(noGrad { model.visualTokens(images) }.shape, [1, 16, 32])
    }

    func testFullCLIPModelFolderImportsItsVisionTowerOnly() throws {
        // The tiny tower laid out as a full CLIPModel: prefixed names, a text tower, nested config.
        let tower = try SafeTensors.read(ImportFixtures.clipFolder.appendingPathComponent("model.safetensors"))
        var full = Dictionary(uniqueKeysWithValues: tower.map { ("vision_model." + $0.key, $0.value) })
        full["text_model.embeddings.token_embedding.weight"] = Tensor.zeros([10, 8])
        full["logit_scale"] = Tensor.zeros([1])
        try SafeTensors.write(full, to: folder.appendingPathComponent("model.safetensors"))
        let visionConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: ImportFixtures.clipFolder.appendingPathComponent("config.json")))
        let config = try JSONSerialization.data(withJSONObject: ["model_type": "clip", "vision_config": visionConfig, "text_config": ["hidden_size": 8]])
        try config.write(to: folder.appendingPathComponent("config.json"))

        let imported = try ImportedWeights.clipVision(folder: folder), plain = try ImportedWeights.clipVision(folder: ImportFixtures.clipFolder)
        XCTAssertEqual("\(imported.part)", "\(plain.part)")
        XCTAssertEqual(imported.tensors.keys.sorted(), plain.tensors.keys.sorted())
        for (name, tensor) in plain.tensors { XCTAssertEqual(imported.tensors[name]!.toArray(Float.self), tensor.toArray(Float.self), name) }
    }

    func testBadInputsAreErrorsNamingTheProblem() throws {
        // A checkpoint without calm's config attribute.
        let plain = try HDF5File.create(path("plain.h5"))
        try plain.write([Float(1)], shape: [1], to: "/llm/norm/weight")
        try plain.close()
        XCTAssertThrowsError(try ImportedWeights.read(from: path("plain.h5"))) {
            XCTAssertTrue("\($0)".contains("no vision_config or language_config attribute"), "\($0)")
        }
        // A tensor missing from an import.
        var imported = try ImportedWeights.llama(folder: ImportFixtures.llamaFolder)
        imported.tensors["llm.layers.1.mlp.up.weight"] = nil
        XCTAssertThrowsError(try imported.write(to: path("missing.h5"))) {
            XCTAssertTrue("\($0)".contains("llm.layers.1.mlp.up.weight") || "\($0)".contains("layers.1.mlp.up.weight"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing.h5")), "nothing written on error")
        // A config calm cannot honour.
        let config = folder.appendingPathComponent("config.json")
        try #"{"hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 1, "intermediate_size": 64, "vocab_size": 8, "attention_bias": true}"#
            .write(to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LanguageConfig(huggingFaceLlama: config)) {
            XCTAssertTrue("\($0)".hasSuffix("config.json: attention_bias: biased projections are not supported by calm's Llama"), "\($0)")
        }
    }
}
