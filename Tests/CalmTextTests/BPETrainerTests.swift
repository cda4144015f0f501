import Foundation
import XCTest
@testable import CalmText

final class BPETrainerTests: XCTestCase {
    /// Wikipedia's BPE example, by hand: in "aaabdaaabac" (one word) the pairs count
    /// aa 4, ab 2, ...; merge a+a (leftmost first: aa a b d aa a b a c); then aa+a and a+b
    /// tie at 2 and the smaller ids win (a < aa): a+b; then aa+ab (2); every pair is now 1.
    func testHandCheckedMergeSequence() throws {
        let tokenizer = try BPETrainer(vocabularySize: 1000, minFrequency: 2, specialTokens: ["<|endoftext|>"])
            .train(["aaabdaaabac"])
        XCTAssertTrue(tokenizer.model.merges.elementsEqual([("a", "a"), ("a", "b"), ("aa", "ab")], by: ==))
        XCTAssertEqual(tokenizer.model.tokens.count, 1 + 256 + 3)
        XCTAssertEqual(tokenizer.id(of: "<|endoftext|>"), 0)
        XCTAssertEqual(tokenizer.id(of: "a"), 1 + 97)
        XCTAssertEqual(tokenizer.id(of: "aaab"), 259)
        XCTAssertEqual(tokenizer.encode("aaabdaaabac"), [259, 1 + 100, 259, 1 + 97, 1 + 99])
        // With min frequency 1 training goes on; a vocabulary cap stops it.
        let capped = try BPETrainer(vocabularySize: 257 + 4, minFrequency: 1, specialTokens: ["<|endoftext|>"])
            .train(["aaabdaaabac"])
        XCTAssertEqual(capped.model.merges.count, 4)
    }

    /// Counts are weighted by word occurrences. Words: hug ×5, Ġpug, Ġpun ×2, Ġbun, Ġhugs
    /// (Ġ is the space). u+g: 5+1+1 = 7 beats h+u: 6 and u+n: 3; then h+ug: 6.
    func testWordFrequenciesDecide() throws {
        let corpus = [String](repeating: "hug", count: 5) + ["pug pun pun bun hugs"]
        let tokenizer = try BPETrainer(vocabularySize: 256 + 2, minFrequency: 2).train(corpus)
        XCTAssertTrue(tokenizer.model.merges.elementsEqual([("u", "g"), ("h", "ug")], by: ==))
    }

    private var corpus: [String] {
        (0..<40).map { i in "Photo \(i): the light is \(i % 3 == 0 ? "soft" : "harsh"), the horizon tilts \(i % 7)°; don't crop the subject." }
    }

    func testTrainingIsDeterministicAndRoundTrips() throws {
        let trainer = BPETrainer(vocabularySize: 300, specialTokens: ["<|endoftext|>", "<|im_end|>"])
        let a = try trainer.train(corpus), b = try trainer.train(corpus.reversed())
        XCTAssertTrue(a.model.merges.elementsEqual(b.model.merges, by: ==))
        XCTAssertEqual(a.model.tokens.count, 300)
        for text in corpus + ["unseen: 日本語 🦙 café\n\t<|im_end|>"] {
            let ids = a.encode(text)
            XCTAssertEqual(try a.decode(ids), text)
            XCTAssertLessThanOrEqual(ids.count, text.utf8.count)
        }
        XCTAssertLessThan(a.encode(corpus[0]).count, corpus[0].utf8.count / 2)
    }

    func testTooSmallVocabularyIsAnError() {
        XCTAssertThrowsError(try BPETrainer(vocabularySize: 100).train(["x"])) {
            XCTAssertEqual(($0 as? CalmTextError)?.key, "vocabularySize")
        }
    }

    /// A trained tokenizer saved as tokenizer.json loads back, and HF `tokenizers` reads it
    /// and encodes the same ids, for each pre-tokenizer we can write.
    func testSavedTokenizerJSONLoadsHereAndInHuggingFace() throws {
        let preTokenizers: [PreTokenizer] = [.gpt2, .smolLM, .llama3, PreTokenizer(steps: [.pattern(.gpt2)], addPrefixSpace: true)]
        let texts = corpus.prefix(5) + ["<image>\nRate 1234 photos <thematic>", "  spaces\n\n", "DON'T\r\n\r\n x"]
        let script = """
        import json, sys
        from tokenizers import Tokenizer
        t = Tokenizer.from_file(sys.argv[1])
        print(json.dumps([t.encode(s, add_special_tokens=False).ids for s in json.loads(sys.argv[2])]))
        """
        let textsJSON = String(decoding: try JSONSerialization.data(withJSONObject: Array(texts)), as: UTF8.self)
        let dir = try Fixtures.temporaryDirectory(self)
        for (i, pre) in preTokenizers.enumerated() {
            let tokenizer = try BPETrainer(vocabularySize: 350, specialTokens: ["<|endoftext|>"], preTokenizer: pre)
                .train(corpus).addingCalmTokens()
            let file = dir.appendingPathComponent("tokenizer\(i).json")
            try tokenizer.save(huggingFaceJSON: file)
            let loaded = try Tokenizer.load(huggingFaceJSON: file)
            XCTAssertEqual(loaded.model.tokens, tokenizer.model.tokens)
            XCTAssertEqual(loaded.addedTokens, tokenizer.addedTokens)
            XCTAssertEqual(loaded.preTokenizer, pre)
            for text in texts { XCTAssertEqual(loaded.encode(text), tokenizer.encode(text)) }

            let output = try Python.run(script, arguments: [file.path, textsJSON], requiring: "tokenizers")
            let reference = try JSONSerialization.jsonObject(with: output) as! [[Int]]
            XCTAssertEqual(reference, texts.map { tokenizer.encode($0) }, "\(pre)")
        }
    }
}
