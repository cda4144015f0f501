import XCTest
@testable import CalmEval

/// Tokenization, BLEU, ROUGE-L and CIDEr-D against pycocoevalcap (commenting_expected.json).
final class CommentingMetricsTests: XCTestCase {
    struct Expected: Decodable {
        /// Every fixture text and its tokens by the Python mirror of `captionTokens`.
        let tokens: [String: [String]]
        /// pycocoevalcap's scores by candidate file name (without .json), keyed as `calm eval commenting` prints them.
        let metrics: [String: [String: Double]]
    }

    func corpus(_ candidates: String) throws -> CaptionCorpus {
        try CaptionCorpus(candidatesFile: fixtureURL("\(candidates).json"), referencesFile: fixtureURL("references.json"))
    }

    func testTokenizerMatchesThePythonMirror() throws {
        let expected = try fixture("commenting_expected.json", as: Expected.self)
        XCTAssertGreaterThan(expected.tokens.count, 80)
        for (text, tokens) in expected.tokens {
            XCTAssertEqual(captionTokens(text), tokens, text)
        }
    }

    func testTokenizerRule() {
        let examples: [(String, [String])] = [
            ("The sky's blown-out, isn't it?", ["the", "sky", "'s", "blown-out", "is", "n't", "it"]),
            ("Shot at f/2.8 (ISO 400) — nice!", ["shot", "at", "f", "/", "2.8", "iso", "400", "nice"]),
            ("“Great” e.g. 100% ...", ["“", "great", "”", "e.g", "100", "%"]),
            ("  ,;:  ", []),
        ]
        for (text, tokens) in examples {
            XCTAssertEqual(captionTokens(text), tokens, text)
        }
    }

    func testMetricsMatchPycocoevalcap() throws {
        let expected = try fixture("commenting_expected.json", as: Expected.self)
        XCTAssertEqual(Set(expected.metrics.keys), ["candidates", "candidates_terse"])
        for (system, golden) in expected.metrics {
            let report = try CommentingReport(corpus(system))
            let computed = ["bleu1": report.bleu[0], "bleu2": report.bleu[1], "bleu3": report.bleu[2], "bleu4": report.bleu[3],
                            "rouge_l": report.rougeL, "cider": report.cider]
            XCTAssertEqual(Set(golden.keys), Set(computed.keys), system)
            for (metric, value) in golden {
                assertClose(try XCTUnwrap(computed[metric]), value, relative: 1e-6, "\(system) \(metric)")
            }
        }
    }

    func testIdenticalCandidatesScorePerfectly() throws {
        let references = ["a": ["a red barn under a grey sky"], "b": ["two dogs run along the beach"]]
        let corpus = try CaptionCorpus(candidates: references.mapValues { $0[0] }, references: references)
        let report = CommentingReport(corpus)
        for value in report.bleu { XCTAssertEqual(value, 1, accuracy: 1e-8) }
        XCTAssertEqual(report.rougeL, 1, accuracy: 1e-12)
    }

    func testInvalidCorporaThrowClearErrors() {
        let bad: [(candidates: [String: String], references: [String: [String]], message: String)] = [
            ([:], [:], "candidates: no candidates"),
            (["1": "x", "2": "y"], ["1": ["x"], "3": ["z"]],
             "references: ids differ: ids '2' of candidates have no references; ids '3' of references have no candidate"),
            (["1": "x"], ["1": []], "references, id '1': no reference texts"),
            (["1": "x"], ["1": ["a cat", "?!"]], "references, id '1', reference 1: reference has no words: '?!'"),
        ]
        for (candidates, references, message) in bad {
            XCTAssertThrowsError(try CaptionCorpus(candidates: candidates, references: references), message) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testBadJSONFilesAreNamed() throws {
        let goodCandidates = try fixtureURL("candidates.json"), goodReferences = try fixtureURL("references.json")
        let cases: [(badReferences: Bool, json: String, message: String)] = [
            (false, "[\"a\"]", "expected a JSON object mapping ids to texts"),
            (false, "{\"001\": 3}", "id '001': expected a string"),
            (false, "{\"001\": ", "not valid JSON"),
            (true, "{\"001\": \"one text\"}", "id '001': expected an array of strings"),
            (true, "{\"001\": [\"ok\", 2]}", "id '001': expected an array of strings"),
        ]
        for (badReferences, json, message) in cases {
            let bad = try temporaryFile(json, suffix: ".json", in: self)
            XCTAssertThrowsError(try CaptionCorpus(candidatesFile: badReferences ? goodCandidates : bad,
                                                   referencesFile: badReferences ? bad : goodReferences), json) { error in
                XCTAssertTrue("\(error)".hasPrefix(bad.path), "\(error)")
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }
}
