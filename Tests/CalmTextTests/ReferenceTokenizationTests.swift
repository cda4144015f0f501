import Foundation
import XCTest
@testable import CalmText

/// Token-for-token agreement with Hugging Face `tokenizers` and llama.cpp.
final class ReferenceTokenizationTests: XCTestCase {
    private func assertMatchesHuggingFace(_ tokenizer: Tokenizer, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertGreaterThan(Fixtures.smolLM2Cases.count, 150)
        for c in Fixtures.smolLM2Cases {
            XCTAssertEqual(tokenizer.encode(c.text), c.ids, "encode \(c.text.debugDescription)", file: file, line: line)
            XCTAssertEqual(try tokenizer.decode(c.ids), c.decoded, "decode \(c.text.debugDescription)", file: file, line: line)
        }
        // HF drops bytes its vocabulary lacks (U+0004 here); every other case round-trips.
        XCTAssertEqual(Fixtures.smolLM2Cases.filter { $0.decoded != $0.text }.map(\.text), ["control\u{4}char"])
    }

    func testSmolLM2TokenizerJSONMatchesHuggingFace() throws {
        let tokenizer = Fixtures.smolLM2.addingCalmTokens()
        XCTAssertEqual(tokenizer.preTokenizer, .smolLM)
        try assertMatchesHuggingFace(tokenizer)
    }

    func testSmolLM2VocabularyGGUFMatchesTokenizerJSON() throws {
        let gguf = try Tokenizer(gguf: GGUFFile(url: Fixtures.url("smollm2-vocab.gguf")))
        let json = Fixtures.smolLM2
        XCTAssertEqual(gguf.model.tokens, json.model.tokens)
        XCTAssertTrue(gguf.model.merges.elementsEqual(json.model.merges, by: ==))
        XCTAssertEqual(gguf.addedTokens, json.addedTokens)
        XCTAssertEqual(gguf.preTokenizer, json.preTokenizer)
        XCTAssertEqual(gguf.bosTokenId, 1)
        XCTAssertEqual(gguf.eosTokenId, 2)
        try assertMatchesHuggingFace(gguf.addingCalmTokens())
    }

    /// The word cache is shared between threads: parallel encoding must equal serial encoding.
    func testConcurrentEncodingMatchesReference() throws {
        let tokenizer = try Tokenizer(huggingFaceJSON: Data(contentsOf: Fixtures.url("smollm2-tokenizer.json"))).addingCalmTokens()
        let cases = Fixtures.smolLM2Cases
        var results = [[Int]](repeating: [], count: cases.count)
        results.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: cases.count) { out[$0] = tokenizer.encode(cases[$0].text) }
        }
        XCTAssertEqual(results, cases.map(\.ids))
    }

    /// llama.cpp's own test vectors for its GPT-2 vocabulary (models/ggml-vocab-gpt-2.gguf.inp/.out).
    func testLlamaCppGPT2GoldenVectors() throws {
        let tokenizer = try Tokenizer(gguf: GGUFFile(url: Fixtures.url("ggml-vocab-gpt-2.gguf")))
        XCTAssertEqual(tokenizer.preTokenizer, .gpt2)
        XCTAssertEqual(tokenizer.vocabularySize, 50257)
        let inputs = try String(contentsOf: Fixtures.url("ggml-vocab-gpt-2.gguf.inp"), encoding: .utf8)
            .components(separatedBy: "\n__ggml_vocab_test__\n").dropLast()
        let outputs = try String(contentsOf: Fixtures.url("ggml-vocab-gpt-2.gguf.out"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(inputs.count, 46)
        XCTAssertEqual(inputs.count, outputs.count)
        for (text, expected) in zip(inputs, outputs) {
            let ids = expected.split(separator: " ").map { Int($0)! }
            XCTAssertEqual(tokenizer.encode(text, parseSpecial: false), ids, text.debugDescription)
            XCTAssertEqual(try tokenizer.decode(ids), text)
        }
    }
}
