import Foundation
import XCTest
@testable import CalmText

/// The committed fixtures (see Scripts/fixtures/text/make_tokenizer_fixtures.py).
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name)))
    }

    /// SmolLM2's tokenizer.json, loaded once for all tests.
    static let smolLM2: Tokenizer = try! Tokenizer.load(huggingFaceJSON: url("smollm2-tokenizer.json"))

    struct Case {
        let text: String, ids: [Int], decoded: String
    }

    /// Strings with the ids and decoded text HF `tokenizers` gives them (calm tokens added).
    static let smolLM2Cases: [Case] = (try! json("smollm2-cases.json") as! [[String: Any]]).map {
        Case(text: $0["text"] as! String, ids: $0["ids"] as! [Int], decoded: $0["decoded"] as! String)
    }

    /// A scratch directory removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("calmtext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
