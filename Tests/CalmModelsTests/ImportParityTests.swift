import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmModels

/// Imported models compute what transformers computes (Scripts/fixtures/import_tiny.py).
final class ImportParityTests: XCTestCase {
    let reference = ImportFixtures.reference

    /// All positions' logits [T, V] of a full forward pass (no cache).
    func fullLogits(_ llama: Llama, _ tokens: [Int]) -> Tensor {
        noGrad {
            let ids = Tensor(tokens.map(Int64.init), shape: [1, tokens.count])
            return llama.logits(llama.hiddenStates(llama.embed(ids))).value.squeezed(0)
        }
    }

    func testCLIPVisionHiddenStatesMatchTransformers() throws {
        let encoder = try ImportedWeights.clipVision(folder: ImportFixtures.clipFolder, taps: [1, 2, 3]).visionEncoder()
        XCTAssertTrue(encoder.config.postNorm)
        let output = noGrad { encoder(Variable(reference["clip.pixels"]!.unsqueezed(0))) }
        XCTAssertEqual(output.taps.count, 3)
        for (i, tap) in output.taps.enumerated() {
            XCTAssertLessThan(ImportFixtures.relativeError(tap.value.squeezed(0), reference["clip.hidden.\(i + 1)"]!), 1e-4, "block \(i + 1)")
        }
        let postNormed = reference["clip.post_norm"]!
        XCTAssertLessThan(ImportFixtures.relativeError(output.patchTokens.value.squeezed(0),
                                                       postNormed.slice(axis: 0, 1..<postNormed.shape[0])), 1e-4)
    }

    func testLogitsMatchTransformers() throws {
        let cases: [(String, () throws -> ImportedWeights, String)] = [
            ("safetensors", { try .llama(folder: ImportFixtures.llamaFolder) }, "llama.logits"),
            ("gguf", { try .gguf(file: ImportFixtures.gguf) }, "gguf.logits"),
        ]
        for (name, load, key) in cases {
            let llama = try load().languageModel()
            let logits = fullLogits(llama, ImportFixtures.ints("llama.input_ids"))
            XCTAssertLessThan(ImportFixtures.relativeError(logits, reference[key]!), 1e-4, name)
        }
    }

    func testGreedyGenerationMatchesTransformersTokenForToken() throws {
        let cases: [(String, () throws -> ImportedWeights, String)] = [
            ("safetensors", { try .llama(folder: ImportFixtures.llamaFolder) }, "llama.generate.tokens"),
            ("gguf", { try .gguf(file: ImportFixtures.gguf) }, "gguf.generate.tokens"),
        ]
        for (name, load, key) in cases {
            let decoder = LlamaDecoder(try load().languageModel())
            var rng = RandomGenerator(seed: 0)
            let tokens = decoder.generate(prompt: ImportFixtures.ints("llama.generate.prompt"), options: SamplingOptions(maxTokens: 16), using: &rng)
            XCTAssertEqual(tokens, ImportFixtures.ints(key), name)
        }
    }

    func testKVCacheDecodingEqualsFullRecomputation() throws {
        let llama = try ImportedWeights.llama(folder: ImportFixtures.llamaFolder).languageModel()
        let decoder = LlamaDecoder(llama)
        let tokens = ImportFixtures.ints("llama.input_ids")
        let full = fullLogits(llama, tokens)
        // A two-token prompt, then one token at a time: each step's logits are the full pass's row.
        var stepLogits = [decoder.feed(Array(tokens.prefix(2)))]
        for token in tokens.dropFirst(2) { stepLogits.append(decoder.feed([token])) }
        XCTAssertEqual(decoder.length, tokens.count)
        for (step, logits) in stepLogits.enumerated() {
            let row = full.slice(axis: 0, (step + 1)..<(step + 2)).squeezed(0)
            XCTAssertLessThan(ImportFixtures.relativeError(Tensor(logits), row), 1e-5, "position \(step + 1)")
        }
    }
}
