import Foundation
import XCTest
@testable import CalmText

/// The hand-written scanners against HF `tokenizers`' regex engine (Oniguruma).
final class PreTokenizerTests: XCTestCase {
    private func pieces(_ text: String, _ pre: PreTokenizer) -> [String] {
        let bytes = Array(text.utf8)
        var out = [String]()
        bytes.withUnsafeBufferPointer { buf in
            pre.split(buf, 0..<buf.count) { out.append(String(decoding: buf[$0], as: UTF8.self)) }
        }
        return out
    }

    func testPiecesMatchHuggingFace() throws {
        let cases = try Fixtures.json("pretokenizer-cases.json") as! [[String: Any]]
        let preTokenizers: [String: PreTokenizer] = ["gpt2": .gpt2, "smolLM": .smolLM, "llama3": .llama3]
        XCTAssertGreaterThan(cases.count, 150)
        for c in cases {
            let text = c["text"] as! String
            for (name, pre) in preTokenizers {
                XCTAssertEqual(pieces(text, pre), c[name] as! [String], "\(name) \(text.debugDescription)")
            }
        }
    }

    func testByteLevelMapIsABijectionOntoPrintableCharacters() {
        XCTAssertEqual(Set(ByteLevel.characters).count, 256)
        XCTAssertEqual(ByteLevel.characters[Int(UInt8(ascii: " "))], "Ġ")
        XCTAssertEqual(ByteLevel.characters[Int(UInt8(ascii: "\n"))], "Ċ")
        XCTAssertEqual(ByteLevel.characters[Int(UInt8(ascii: "A"))], "A")
        let all = (0...255).map(UInt8.init)
        XCTAssertEqual(ByteLevel.decode(ByteLevel.encode(all)), all)
        XCTAssertNil(ByteLevel.decode("€"))
    }
}
