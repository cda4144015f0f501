import Foundation
import XCTest

/// The URL of a file in this target's Fixtures folder (written by Scripts/fixtures/eval_metrics.py).
func fixtureURL(_ name: String) throws -> URL {
    let url = Bundle.module.bundleURL.appendingPathComponent("Fixtures").appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw XCTSkip("fixture \(name) is missing; run Scripts/fixtures/eval_metrics.py")
    }
    return url
}

/// A fixture decoded from JSON.
func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtureURL(name)))
}

/// Asserts `actual` is within `relative` of `expected` (relative to |expected|, absolute near 0);
/// nil expected means undefined, which must be NaN.
func assertClose(_ actual: Double, _ expected: Double?, relative: Double, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let expected else {
        XCTAssertTrue(actual.isNaN, "\(what): expected NaN (undefined), got \(actual)", file: file, line: line)
        return
    }
    XCTAssertEqual(actual, expected, accuracy: relative * max(abs(expected), 1e-300) + 1e-15,
                   "\(what)", file: file, line: line)
}

/// A temporary file holding `text`, removed at the end of the test.
func temporaryFile(_ text: String, suffix: String, in test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("calm-eval-\(UUID().uuidString)\(suffix)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
