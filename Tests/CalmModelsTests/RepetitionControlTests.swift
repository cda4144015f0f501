import CalmTensor
import CalmTestSupport
import Foundation
import XCTest
@testable import CalmModels

final class RepetitionControlTests: XCTestCase {
    /// Cases of Scripts/fixtures/repetition_control.py: transformers' processors on seeded logits.
    struct Case: Decodable {
        let name: String, ids: [Int], penalty: Double, ngram: Int
        let logits: [Float], expected: [Float?], greedy: Int
    }

    /// The repetition penalty and n-gram ban give transformers' processed logits (-inf where it
    /// bans), and greedy decoding through `sampleToken` then picks its token.
    func testProcessedLogitsMatchTransformers() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "repetition_control", withExtension: "json", subdirectory: "Fixtures"))
        struct File: Decodable { let cases: [Case] }
        let cases = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        XCTAssertEqual(cases.count, 84)
        var rng = RandomGenerator(seed: 0)
        for c in cases {
            var logits = c.logits
            applyRepetitionPenalty(&logits, context: c.ids, penalty: c.penalty)
            banRepeatedNgrams(&logits, context: c.ids, size: c.ngram)
            for (i, (ours, theirs)) in zip(logits, c.expected).enumerated() {
                guard let theirs else {
                    XCTAssertEqual(ours, -.infinity, "\(c.name): id \(i) should be banned")
                    continue
                }
                XCTAssertEqual(ours, theirs, accuracy: 1e-6 * max(1, abs(theirs)), "\(c.name): id \(i)")
            }
            let options = SamplingOptions(repetitionPenalty: c.penalty, noRepeatNgramSize: c.ngram)
            XCTAssertEqual(sampleToken(c.logits, answer: c.ids, options: options, using: &rng), c.greedy, c.name)
        }
    }

    /// The micro model's greedy answer loops; with noRepeatNgramSize 3 no trigram comes twice.
    /// Its language model alone repeats bigrams, which `LlamaDecoder` with size 2 then avoids
    /// (one implementation behind both).
    func testNoRepeatNgramStopsAGreedyLoop() throws {
        let fixture = try MicroFixture(), model = try fixture.model()
        let image = fixture.tensors["images"]!.slice(axis: 0, 0..<1).contiguous()
        let generator = Generator(model: model, tokenIds: fixture.tokenIds, tokenizer: nil, stopIds: [])
        let looping = try generator.generate(fixture.samples[0], images: image, options: SamplingOptions(maxTokens: 24)).ids
        XCTAssertGreaterThan(repeatedNgrams(looping, size: 3), 0, "the fixture's greedy answer should loop: \(looping)")
        let controlled = try generator.generate(fixture.samples[0], images: image,
                                                options: SamplingOptions(maxTokens: 24, noRepeatNgramSize: 3)).ids
        XCTAssertEqual(controlled.count, 24)
        XCTAssertEqual(repeatedNgrams(controlled, size: 3), 0, "\(controlled)")

        // The language model alone, on the prompt's text tokens.
        let prompt = Array(fixture.samples[0].ids.prefix { $0 != fixture.tokenIds.image })
        var rng = RandomGenerator(seed: 0)
        let plain = LlamaDecoder(model.llm).generate(prompt: prompt, options: SamplingOptions(maxTokens: 24), using: &rng)
        XCTAssertGreaterThan(repeatedNgrams(plain, size: 2), 0, "the language model's greedy answer should repeat a bigram: \(plain)")
        let banned = LlamaDecoder(model.llm).generate(prompt: prompt, options: SamplingOptions(maxTokens: 24, noRepeatNgramSize: 2), using: &rng)
        XCTAssertEqual(banned.count, 24)
        XCTAssertEqual(repeatedNgrams(banned, size: 2), 0, "\(banned)")
    }

    /// How many n-grams of `ids` occurred earlier in it.
    private func repeatedNgrams(_ ids: [Int], size: Int) -> Int {
        guard ids.count >= size else { return 0 }
        var seen = Set<[Int]>(), repeats = 0
        for start in 0...(ids.count - size) where !seen.insert(Array(ids[start..<(start + size)])).inserted { repeats += 1 }
        return repeats
    }

    /// The generating commands reject a penalty ≤ 0 and a negative n-gram size before loading anything.
    func testCommandsRejectBadRepetitionFlags() throws {
        let cases: [([String], String)] = [
            (["chat", "--weights", "none.gguf", "--repetition-penalty", "0"], "--repetition-penalty must be a positive number"),
            (["chat", "--weights", "none.gguf", "--no-repeat-ngram=-1"], "--no-repeat-ngram must be ≥ 0"),
            (["comment", "--checkpoint", "none.h5", "--repetition-penalty=-1.2", "x.png"], "--repetition-penalty must be a positive number"),
            (["suggest", "--checkpoint", "none.h5", "--no-repeat-ngram=-2", "x.png"], "--no-repeat-ngram must be ≥ 0"),
            (["eval", "suggesting", "--checkpoint", "none.h5", "--instructions", "x.jsonl", "--repetition-penalty", "nan"],
             "--repetition-penalty must be a positive number"),
            (["eval", "attributes", "--recipe", "none.yaml", "--photos", "none", "--no-repeat-ngram=-1"], "--no-repeat-ngram must be ≥ 0"),
        ]
        for (arguments, message) in cases {
            guard let result = try runCalm(arguments) else { throw XCTSkip("calm is not built; run `swift build` first") }
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.output.contains(message), "\(arguments.joined(separator: " ")): \(result.output)")
        }
    }
}
