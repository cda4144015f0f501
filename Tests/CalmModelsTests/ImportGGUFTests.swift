import CalmTensor
import CalmText
import XCTest
@testable import CalmModels

/// ggml dequantization, the RoPE row un-permutation and GGUF metadata, against gguf-py and
/// transformers' own GGUF loader.
final class ImportGGUFTests: XCTestCase {
    func testDequantizationMatchesGGUFPyBitForBit() throws {
        let file = try GGUFFile(url: ImportFixtures.gguf)
        // The fixture mixes every supported type.
        XCTAssertEqual(Set(file.tensors.map(\.type.name)), ["F32", "F16", "Q4_1", "Q8_0"])
        for info in file.tensors {
            let ours = try file.dequantizedTensor(named: info.name)
            let theirs = try XCTUnwrap(ImportFixtures.reference["gguf.dequant.\(info.name)"], info.name)
            XCTAssertEqual(ours.shape, theirs.shape, info.name)
            XCTAssertEqual(ours.toArray(Float.self), theirs.toArray(Float.self), "\(info.name) (\(info.type))")
        }
    }

    func testUnpermutedQueryAndKeyMatchTransformers() throws {
        let file = try GGUFFile(url: ImportFixtures.gguf)
        for layer in 0..<2 {
            for (name, heads, reference) in [("attn_q", 4, "q_proj"), ("attn_k", 2, "k_proj")] {
                let permuted = try file.dequantizedTensor(named: "blk.\(layer).\(name).weight")
                let ours = undoGGUFRoPEPermutation(permuted, heads: heads)
                XCTAssertEqual(ours.toArray(Float.self), ImportFixtures.reference["gguf.hf.\(layer).\(reference)"]!.toArray(Float.self),
                               "layer \(layer) \(name)")
                XCTAssertNotEqual(ours.toArray(Float.self), permuted.toArray(Float.self), "the permutation must matter")
            }
        }
    }

    func testConfigurationFromMetadata() throws {
        let config = try LanguageConfig(gguf: GGUFFile(url: ImportFixtures.gguf))
        XCTAssertEqual(config, LanguageConfig(vocabularySize: 128, width: 32, depth: 2, heads: 4, mlpHidden: 64, kvHeads: 2,
                                              ropeTheta: 10_000, normEps: 1e-5, tiedEmbeddings: true))
    }

    func testRenamingTables() throws {
        let cases: [(ParameterRenaming, String, ParameterTarget?)] = [
            (.ggufLlama, "blk.12.ffn_down.weight", ParameterTarget(name: "llm.layers.12.mlp.down.weight", part: nil)),
            (.ggufLlama, "token_embd.weight", ParameterTarget(name: "llm.embed.weight", part: nil)),
            (.huggingFaceLlama, "model.layers.3.self_attn.o_proj.weight", ParameterTarget(name: "llm.layers.3.attn.o.weight", part: nil)),
            (.huggingFaceLlama, "lm_head.weight", ParameterTarget(name: "llm.lm_head.weight", part: nil)),
            (.huggingFaceCLIPVision, "vision_model.encoder.layers.7.self_attn.k_proj.bias",
             ParameterTarget(name: "vision.blocks.7.attn.qkv.bias", part: 1)),
            (.huggingFaceCLIPVision, "pre_layrnorm.weight", ParameterTarget(name: "vision.pre_norm.weight", part: nil)),
            (.huggingFaceCLIPVision, "text_model.encoder.layers.0.mlp.fc1.weight", nil),
            (.huggingFaceCLIPVision, "logit_scale", nil),
        ]
        for (renaming, source, expected) in cases {
            XCTAssertEqual(try renaming.target(for: source, file: "f"), expected, source)
        }
        XCTAssertThrowsError(try ParameterRenaming.huggingFaceLlama.target(for: "model.layers.0.self_attn.q_norm.weight", file: "ckpt")) {
            XCTAssertEqual("\($0)", "ckpt: tensor model.layers.0.self_attn.q_norm.weight: no calm parameter corresponds to this tensor")
        }
    }

    func testUnsupportedTypeIsAnErrorNamingTheTensor() throws {
        // The same GGUF with the first tensor's type id rewritten to Q4_K (12), same byte count
        // not being required: the dequantizer must refuse before reading any data.
        var bytes = try Data(contentsOf: ImportFixtures.gguf)
        let file = try GGUFFile(url: ImportFixtures.gguf)
        let first = file.tensors[0]
        let name = Data(first.name.utf8)
        let at = try XCTUnwrap(bytes.range(of: name)).upperBound
        let typeOffset = at + 4 + 8 * first.dimensions.count
        XCTAssertEqual(bytes[typeOffset], UInt8(first.type.id))
        bytes[typeOffset] = 2   // Q4_0: known to the reader, not to the dequantizer
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import_bad_type_\(getpid()).gguf")
        try bytes.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let broken = try GGUFFile(url: url)
        XCTAssertThrowsError(try broken.dequantizedTensor(named: first.name)) {
            XCTAssertTrue("\($0)".contains("tensor \(first.name): ggml type Q4_0 is not supported"), "\($0)")
        }
    }
}
