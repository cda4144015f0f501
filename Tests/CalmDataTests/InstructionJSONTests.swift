import Foundation
import XCTest
@testable import CalmData

final class InstructionJSONTests: XCTestCase {
    /// Python's json module wrote each value with and without ASCII escapes, and compactly.
    func testParserAndSerializerAgreeWithPythonsJSONModule() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/instructions/json_cases", withExtension: "jsonl"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        for (number, line) in lines.enumerated() {
            let texts = try XCTUnwrap(JSONParser.parse(Array(line.utf8)).objectValue)
            let ascii = try JSONParser.parse(Array(try XCTUnwrap(texts["ascii"]?.stringValue).utf8))
            let utf8 = try JSONParser.parse(Array(try XCTUnwrap(texts["utf8"]?.stringValue).utf8))
            let compact = try XCTUnwrap(texts["compact"]?.stringValue)
            XCTAssertEqual(ascii, utf8, "case \(number + 1)")
            XCTAssertEqual(String(decoding: ascii.serialized, as: UTF8.self), compact, "case \(number + 1)")
            XCTAssertEqual(try JSONParser.parse(Array(compact.utf8)), ascii, "case \(number + 1)")
        }
    }

    func testNumbersKeepTheirKind() throws {
        let cases: [(String, JSONValue)] = [
            ("124", .int(124)), ("124.0", .double(124)), ("-0", .int(0)), ("1E2", .double(100)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("-1.5e-3", .double(-0.0015)),
        ]
        for (text, value) in cases {
            XCTAssertEqual(try JSONParser.parse(Array(text.utf8)), value, text)
        }
    }

    func testMalformedTextIsRejectedWithItsOffset() {
        let cases: [(String, Int, String)] = [
            ("", 0, "unexpected end of input"),
            ("[1,]", 3, "unexpected character ']'"),
            ("{\"a\" 1}", 5, "expected ':' after a member name"),
            ("[1 2]", 3, "expected ',' or ']' in a list"),
            ("01", 1, "unexpected text after the value"),
            ("\"abc", 4, "unterminated string"),
            ("\"a\nb\"", 2, "control character in a string"),
            ("\"\\ud800x\"", 7, "unpaired surrogate"),
            ("\"\\x\"", 3, "invalid escape"),
            ("tru", 0, "invalid literal, expected 'true'"),
            ("1e", 2, "expected a digit in the exponent"),
            ("-", 1, "expected a digit"),
            ("1e400", 0, "number out of range"),
            ("{\"a\":1,}", 7, "expected a member name"),
            (String(repeating: "[", count: 600), 512, "nesting deeper than 512"),
        ]
        for (text, offset, message) in cases {
            XCTAssertThrowsError(try JSONParser.parse(Array(text.utf8)), text) { error in
                XCTAssertEqual(error as? JSONSyntaxError, JSONSyntaxError(offset: offset, message: message), text)
            }
        }
    }
}
