import Foundation
import XCTest
@testable import CalmText

final class ChatTemplateTests: XCTestCase {
    private struct ChatCase {
        let turns: [Turn], addGenerationPrompt: Bool, text: String, ids: [Int]
    }

    /// Conversations rendered by SmolLM2's Jinja template, with HF ids of that text.
    private let cases: [ChatCase] = (try! Fixtures.json("chat-cases.json") as! [[String: Any]]).map {
        ChatCase(turns: ($0["turns"] as! [[String]]).map { Turn(try! Role(name: $0[0]), $0[1]) },
                 addGenerationPrompt: $0["add_generation_prompt"] as! Bool, text: $0["text"] as! String, ids: $0["ids"] as! [Int])
    }
    private let tokenizer = Fixtures.smolLM2.addingCalmTokens()

    func testSmolLM2TemplateMatchesItsJinjaTemplate() throws {
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            XCTAssertEqual(ChatTemplate.smolLM2.render(c.turns, addGenerationPrompt: c.addGenerationPrompt), c.text)
            let encoded = try ChatTemplate.smolLM2.encode(c.turns, with: tokenizer, addGenerationPrompt: c.addGenerationPrompt)
            XCTAssertEqual(encoded.ids, c.ids, c.text)
            XCTAssertEqual(encoded.lossMask.count, encoded.ids.count)
        }
    }

    /// The mask's true runs are exactly the answers followed by the end-of-turn token.
    func testLossMaskCoversAnswersAndEndOfTurnOnly() throws {
        for template in [ChatTemplate.smolLM2, .chatML, .plain] {
            for c in cases where !c.addGenerationPrompt {
                let encoded = try template.encode(c.turns, with: tokenizer)
                var runs = [[Int]]()
                for (i, trained) in encoded.lossMask.enumerated() where trained {
                    if i > 0 && encoded.lossMask[i - 1] { runs[runs.count - 1].append(encoded.ids[i]) } else { runs.append([encoded.ids[i]]) }
                }
                let expected = c.turns.filter { $0.role == .assistant }.map { $0.content + template.endOfTurn }
                XCTAssertEqual(try runs.map { try tokenizer.decode($0) }, expected, template.endOfTurn)
                XCTAssertEqual(try tokenizer.decode(encoded.ids), template.render(c.turns))
            }
        }
    }

    func testGenerationPromptIsNotTrained() throws {
        let encoded = try ChatTemplate.chatML.encode([Turn(.user, "Hi")], with: tokenizer, addGenerationPrompt: true)
        XCTAssertFalse(encoded.lossMask.contains(true))
        XCTAssertEqual(try tokenizer.decode(encoded.ids), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testRoleNames() throws {
        let table: [(String, Role)] = [("human", .user), ("gpt", .assistant), ("USER", .user), ("assistant", .assistant), ("system", .system)]
        for (name, role) in table { XCTAssertEqual(try Role(name: name), role) }
        XCTAssertThrowsError(try Role(name: "bot")) { XCTAssertTrue("\($0)".contains("bot")) }
    }

    func testMissingEndOfTurnTokenIsAnError() throws {
        let gpt2 = try Tokenizer(gguf: GGUFFile(url: Fixtures.url("ggml-vocab-gpt-2.gguf")))
        XCTAssertThrowsError(try ChatTemplate.chatML.encode([Turn(.user, "Hi")], with: gpt2)) {
            XCTAssertEqual(($0 as? CalmTextError)?.key, "endOfTurn")
        }
    }
}
