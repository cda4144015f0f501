import Foundation
import XCTest
@testable import CalmText

final class TokenizerJSONTests: XCTestCase {
    /// A tiny valid tokenizer.json; each error case edits one key of it.
    private func tiny(_ edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var root: [String: Any] = [
            "version": "1.0", "normalizer": NSNull(), "decoder": ["type": "ByteLevel"],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "added_tokens": [["id": 3, "content": "<s>", "special": true, "lstrip": false]],
            "model": ["type": "BPE", "vocab": ["a": 0, "b": 1, "ab": 2, "<s>": 3], "merges": ["a b"]],
        ]
        edit(&root)
        return root
    }

    private func load(_ root: [String: Any]) throws -> Tokenizer {
        let file = try Fixtures.temporaryDirectory(self).appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: root).write(to: file)
        return try Tokenizer.load(huggingFaceJSON: file)
    }

    private func setModel(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { root in
            var model = root["model"] as! [String: Any]
            model[key] = value
            root["model"] = model
        }
    }

    func testMergesInStringAndArrayForms() throws {
        let strings = try load(tiny())
        let arrays = try load(tiny(setModel("merges", [["a", "b"]])))
        XCTAssertTrue(strings.model.merges.elementsEqual(arrays.model.merges, by: ==))
        XCTAssertEqual(strings.encode("ab<s>ba"), [2, 3, 1, 0])
        XCTAssertEqual(arrays.encode("ab<s>ba"), [2, 3, 1, 0])
    }

    func testUnsupportedOrBrokenKeysAreNamed() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("normalizer", { $0["normalizer"] = ["type": "NFC"] }),
            ("decoder.type", { $0["decoder"] = ["type": "WordPiece"] }),
            ("pre_tokenizer.type", { $0["pre_tokenizer"] = ["type": "Whitespace"] }),
            ("pre_tokenizer.pattern.Regex", { $0["pre_tokenizer"] = ["type": "Split", "pattern": ["Regex": "\\w+"], "behavior": "Isolated"] }),
            ("pre_tokenizer.type", { $0["pre_tokenizer"] = ["type": "Digits", "individual_digits": true] }),
            ("pre_tokenizer.pretokenizers[1].type", { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "ByteLevel"], ["type": "Digits"]]] }),
            ("pre_tokenizer.pretokenizers[1].add_prefix_space", { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "Digits"], ["type": "ByteLevel", "add_prefix_space": true]]] }),
            ("added_tokens[0].lstrip", { $0["added_tokens"] = [["id": 3, "content": "<s>", "lstrip": true]] }),
            ("added_tokens[0].id", { $0["added_tokens"] = [["content": "<s>"]] }),
            ("model.type", setModel("type", "WordPiece")),
            ("model.vocab", setModel("vocab", NSNull())),
            ("model.merges[0]", setModel("merges", ["a"])),
            ("model.merges", setModel("merges", ["a c"])),
            ("model.unk_token", setModel("unk_token", "<unk>")),
            ("model.byte_fallback", setModel("byte_fallback", true)),
        ]
        for (key, edit) in cases {
            XCTAssertThrowsError(try load(tiny(edit)), key) { error in
                let error = error as? CalmTextError
                XCTAssertEqual(error?.key, key)
                XCTAssertTrue(error?.file?.hasSuffix("tokenizer.json") == true, "\(String(describing: error))")
            }
        }
    }

    func testNotJSONIsAnError() throws {
        XCTAssertThrowsError(try Tokenizer(huggingFaceJSON: Data("{model".utf8))) {
            XCTAssertEqual(($0 as? CalmTextError)?.key, "(json)")
        }
        XCTAssertThrowsError(try Tokenizer.load(path: "/nonexistent/tokenizer.json")) {
            XCTAssertEqual(($0 as? CalmTextError)?.file, "/nonexistent/tokenizer.json")
        }
    }

    func testDecodeRejectsUnknownIds() {
        XCTAssertThrowsError(try Fixtures.smolLM2.decode([1, 49_152])) {
            XCTAssertEqual(($0 as? CalmTextError)?.key, "id")
        }
        XCTAssertEqual(try Fixtures.smolLM2.decode([1, 28120, 2], skipSpecialTokens: true), try Fixtures.smolLM2.decode([28120]))
    }

    func testCalmTokensGetStableIdsAfterTheVocabulary() {
        let tokenizer = Fixtures.smolLM2.addingCalmTokens()
        XCTAssertEqual(CalmTokens.all.map { tokenizer.id(of: $0) }, Array(49_152..<49_157))
        XCTAssertEqual(tokenizer.addingCalmTokens().vocabularySize, 49_157)
        XCTAssertEqual(tokenizer.encode("<image><low>"), [49_152, 49_153])
        XCTAssertEqual(tokenizer.encode("<image>", parseSpecial: false).count, 3)
    }
}
