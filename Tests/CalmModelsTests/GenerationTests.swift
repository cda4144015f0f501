import CalmAutograd
import CalmTensor
import CalmText
import XCTest
@testable import CalmModels

final class GenerationTests: XCTestCase {
    /// Greedy decoding with the KV cache picks, at every step, the argmax of a full forward
    /// pass over prompt + tokens so far without a cache (routing mask included).
    func testCachedGreedyDecodingMatchesFullForwardPasses() throws {
        let fixture = try MicroFixture(), model = try fixture.model()
        let images = fixture.tensors["images"]!
        for (s, prompt) in fixture.samples.enumerated() {
            let image = images.slice(axis: 0, s..<(s + 1)).contiguous()
            let generator = Generator(model: model, tokenIds: fixture.tokenIds, tokenizer: nil)
            let generated = try generator.generate(prompt, images: image, options: SamplingOptions(maxTokens: 5))
            XCTAssertEqual(generated.ids.count, 5)
            XCTAssertEqual(generated.stop, .maxTokens)
            for step in 0..<5 {
                var sample = prompt
                sample.ids += generated.ids[..<step]
                sample.lossMask += [Bool](repeating: false, count: step)
                let batch = try MultimodalBatch(samples: [sample], images: image, tokenIds: fixture.tokenIds, config: fixture.config)
                let logits = noGrad { model.logits(batch) }
                let last = logits.value.slice(axis: 1, (batch.length - 1)..<batch.length).toArray(Float.self)
                XCTAssertEqual(generated.ids[step], last.indices.max { last[$0] < last[$1] }!, "sample \(s), step \(step)")
            }
        }
    }

    func testEndOfSequenceStops() throws {
        let fixture = try MicroFixture(), model = try fixture.model()
        let image = fixture.tensors["images"]!.slice(axis: 0, 0..<1).contiguous()
        let free = try Generator(model: model, tokenIds: fixture.tokenIds, tokenizer: nil)
            .generate(fixture.samples[0], images: image, options: SamplingOptions(maxTokens: 4))
        let stopping = Generator(model: model, tokenIds: fixture.tokenIds, tokenizer: nil, stopIds: [free.ids[1]])
        let stopped = try stopping.generate(fixture.samples[0], images: image, options: SamplingOptions(maxTokens: 4))
        XCTAssertEqual(stopped.stop, .endOfSequence)
        XCTAssertEqual(stopped.ids, Array(free.ids.prefix(free.ids.firstIndex(of: free.ids[1])! + 1)))
    }

    func testSamplingIsSeededAndFollowsTheDistribution() {
        var rng = RandomGenerator(seed: 5)
        XCTAssertEqual(sampleToken([0.1, 2, -1], temperature: 0, topP: 1, using: &rng), 1)
        XCTAssertEqual(sampleToken([0.1, 2, -1], temperature: 1, topP: 0.01, using: &rng), 1, "the nucleus keeps only the argmax")
        let logits: [Float] = [log(0.5), log(0.3), log(0.2)]
        var counts = [0, 0, 0]
        for _ in 0..<4000 { counts[sampleToken(logits, temperature: 1, topP: 1, using: &rng)] += 1 }
        for (count, p) in zip(counts, [0.5, 0.3, 0.2]) { XCTAssertEqual(Double(count) / 4000, p, accuracy: 0.03) }
        // top-p 0.75 keeps {0.5, 0.3}: token 2 never appears, token 0 has probability 0.625.
        counts = [0, 0, 0]
        for _ in 0..<4000 { counts[sampleToken(logits, temperature: 1, topP: 0.75, using: &rng)] += 1 }
        XCTAssertEqual(counts[2], 0)
        XCTAssertEqual(Double(counts[0]) / 4000, 0.625, accuracy: 0.03)
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        XCTAssertEqual((0..<20).map { _ in sampleToken(logits, temperature: 0.7, topP: 0.9, using: &a) },
                       (0..<20).map { _ in sampleToken(logits, temperature: 0.7, topP: 0.9, using: &b) })
    }

    /// Stop strings cut the text; the tokenizer is a small trained byte-level BPE.
    func testStopStringsCutTheText() throws {
        let tokenizer = try BPETrainer(vocabularySize: 300, specialTokens: ["<eos>"])
            .train(["the aesthetic quality of the image is good", "a photo of a cat"]).addingCalmTokens()
        var config = try MicroFixture().config
        config.language.vocabularySize = tokenizer.vocabularySize
        let model = CalmModel(config, seed: 3), tokenIds = try CalmTokenIds(tokenizer)
        var rng = RandomGenerator(seed: 1)
        let image = Tensor.uniform([1, 3, 32, 32], low: -1, high: 1, using: &rng)
        let prompt = MultimodalSample(ids: tokenizer.encode("<image> a photo"))
        let generator = Generator(model: model, tokenIds: tokenIds, tokenizer: tokenizer, stopIds: [])
        let free = try generator.generate(prompt, images: image, options: SamplingOptions(maxTokens: 6, temperature: 1, seed: 4))
        XCTAssertEqual(free.text, try tokenizer.decode(free.ids, skipSpecialTokens: true))
        let third = try tokenizer.decode(Array(free.ids.prefix(3)))
        let stop = String(third.suffix(1))
        let cut = try generator.generate(prompt, images: image,
                                         options: SamplingOptions(maxTokens: 6, temperature: 1, seed: 4, stopStrings: [stop]))
        XCTAssertEqual(cut.stop, .stopString)
        XCTAssertEqual(cut.text, String(third[..<third.range(of: stop)!.lowerBound]))
        XCTAssertEqual(cut.ids, Array(free.ids.prefix(cut.ids.count)))
    }
}

final class ScoreDecodingTests: XCTestCase {
    func testFiveLevelScore() {
        let decoder = ScoreDecoder(levelIds: [4, 3, 2, 1, 0])   // excellent = id 4, …, bad = id 0
        XCTAssertEqual(decoder.expectedLevel([0, 0, 0, 0, 0, 9]), 3, accuracy: 1e-12, "other tokens do not count")
        XCTAssertEqual(decoder.score([0, 0, 0, 0, 0], scale: 1...10), 5.5, accuracy: 1e-12)
        XCTAssertEqual(decoder.score([0, 0, 0, 0, 50], scale: 1...10), 10, accuracy: 1e-9)
        // p(excellent) = p(good) = e/(2e + 3): level (5e + 4e + 3 + 2 + 1) / (2e + 3).
        let e = M_E, expected = (9 * e + 6) / (2 * e + 3)
        XCTAssertEqual(decoder.expectedLevel([0, 0, 0, 1, 1]), expected, accuracy: 1e-6)
        XCTAssertEqual(decoder.score([0, 0, 0, 1, 1], scale: 0...1), (expected - 1) / 4, accuracy: 1e-6)
    }

    func testLevelIdsFromATokenizer() throws {
        let tokenizer = try BPETrainer(vocabularySize: 320)
            .train(Array(repeating: "the quality is excellent good fair poor bad", count: 4))
        let decoder = try ScoreDecoder(tokenizer: tokenizer)
        for (word, id) in zip(ScoreDecoder.levels, decoder.levelIds) {
            XCTAssertEqual(tokenizer.encode(" " + word).first, id, word)
        }
    }

    func testNumericAnswers() {
        for (text, value) in [("6.5", 6.5), ("The score is 7/10.", 7), ("-1 point", -1), (".5", 0.5), ("about 3. ok", 3)] as [(String, Double)] {
            XCTAssertEqual(parseNumericAnswer(text), value, text)
        }
        XCTAssertNil(parseNumericAnswer("excellent"))
    }
}
