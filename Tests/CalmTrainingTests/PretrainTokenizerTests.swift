import CalmSelfSupervision
import CalmText
import XCTest
@testable import CalmTraining

final class PretrainTokenizerTests: XCTestCase {
    /// The committed calm-tiny tokenizer: special tokens first, a vocabulary that fits calm-tiny,
    /// and the pretraining grammar compressed the way only a tokenizer trained on it would.
    func testCommittedTokenizerSpeaksTheGrammar() throws {
        let tokenizer = try Tokenizer.load(path: PretrainFixture.tokenizerPath)
        XCTAssertEqual(PretrainTokenizer.specialTokens.map { tokenizer.id(of: $0) }, Array(0..<8))
        XCTAssertLessThanOrEqual(tokenizer.vocabularySize, 4096)
        let sentences = Attribute.allCases.flatMap { attribute in
            attribute.levels.flatMap { SentenceRenderer.templateSentences(attribute, level: $0) }
        } + Scale.allCases.flatMap(Questions.paraphrases) + ImageAttributes.measured.flatMap(Questions.about)
        let characters = sentences.reduce(0) { $0 + $1.utf8.count }
        let tokens = sentences.reduce(0) { $0 + tokenizer.encode($1).count }
        XCTAssertLessThan(Double(tokens) / Double(characters), 0.3, "\(tokens) tokens for \(characters) bytes")
        for sentence in sentences.prefix(50) { XCTAssertEqual(try tokenizer.decode(tokenizer.encode(sentence)), sentence) }
    }

    /// Training is deterministic: the same text gives a byte-identical tokenizer.json.
    func testTrainingIsDeterministic() throws {
        let texts = try PretrainTokenizer.corpus(photos: [], captions: PretrainFixture.repository
            .appendingPathComponent("Datasets/photos/captions.jsonl").path)
        let first = try PretrainTokenizer.train(texts, vocabularySize: 700).huggingFaceJSON()
        let second = try PretrainTokenizer.train(texts, vocabularySize: 700).huggingFaceJSON()
        XCTAssertEqual(first, second)
        XCTAssertEqual(try Tokenizer(huggingFaceJSON: first).vocabularySize, 700)
    }

    func testBadCaptionLineIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("captions-\(getpid()).jsonl").path
        try "{\"title\": \"Cat\", \"sentences\": [\"A cat.\"]}\n{\"title\": 3}\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PretrainTokenizer.corpus(photos: [], captions: path)) { error in
            XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
        }
    }
}
