import CalmTestSupport
import Foundation
import XCTest

/// Runs the built `calm eval` binary on the fixtures, as other tools call it.
final class EvalCommandTests: XCTestCase {
    /// The `calm` executable next to this test bundle in the products directory.
    func calmBinary() throws -> URL {
        guard let calm = calmExecutable else { throw XCTSkip("calm is not built; run `swift build` first") }
        return URL(fileURLWithPath: calm)
    }

    /// Runs calm with `arguments`; returns its exit status, standard output and standard error.
    func runCalm(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = try calmBinary()
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// Runs calm, expects success and one JSON object on standard output.
    func runCalmJSON(_ arguments: [String]) throws -> [String: Double] {
        let result = try runCalm(arguments)
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "expected one line of JSON, got: \(result.output)")
        return try JSONDecoder().decode([String: Double].self, from: Data(result.output.utf8))
    }

    func testScoringPrintsTheMetricsOfTheCSV() throws {
        let printed = try runCalmJSON(["eval", "scoring", "--scores", fixtureURL("scores.csv").path])
        let expected = try fixture("scores_expected.json", as: [String: Double].self)
        XCTAssertEqual(Set(printed.keys), ["srcc", "plcc", "krcc", "rmse", "accuracy", "emd"])
        for (key, value) in printed {
            assertClose(value, expected[key], relative: 1e-9, key)
        }
    }

    func testCommentingPrintsTheCaptionMetrics() throws {
        let printed = try runCalmJSON(["eval", "commenting", "--candidates", fixtureURL("candidates.json").path,
                                       "--references", fixtureURL("references.json").path])
        let expected = try fixture("commenting_expected.json", as: CommentingMetricsTests.Expected.self)
        let golden = try XCTUnwrap(expected.metrics["candidates"])
        XCTAssertEqual(Set(printed.keys), Set(golden.keys))
        for (key, value) in printed {
            assertClose(value, golden[key], relative: 1e-6, key)
        }
    }

    func testBadFileFailsWithItsNameAndLine() throws {
        let csv = try temporaryFile("prediction,label\n7,8\n6,seven\n", suffix: ".csv", in: self)
        let result = try runCalm(["eval", "scoring", "--scores", csv.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.output, "")
        XCTAssertTrue(result.error.contains("\(csv.path), line 3, column 'label': 'seven' is not a finite number"), result.error)
    }
}
