import CalmTestSupport
import Foundation
import XCTest
@testable import CalmData

/// Runs the built `calm` executable end to end on the fixtures.
final class ConverterCommandTests: XCTestCase {
    typealias F = ConverterFixtures

    private func calm(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let run = try runCalm(arguments) else {
            throw XCTSkip("the calm executable is not built next to the tests (run `swift build` first)")
        }
        return run
    }

    func testConvertAVAWritesTheSetAndPrintsTheSkips() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calm-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("ava.jsonl")

        let run = try calm(["convert", "ava", "--annotations", F.url("ava/AVA.txt").path, "--images", F.url("ava/images").path,
                            "--split-file", F.url("ava/generic_test.jpgl").path, "--output", out.path, "--numeric"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("2 records, 6 skipped"), run.output)
        XCTAssertTrue(run.output.contains("AVA.txt:7: wrong field count: 5 fields, expected 15"), run.output)
        let set = try InstructionSet.read(out)
        XCTAssertEqual(set.records.map(\.id), ["953619", "954184"])
        XCTAssertEqual(set.records.map(\.conversations[1].value), ["5.64", "5.67"])

        let missing = try calm(["convert", "tad66k", "--annotations", folder.appendingPathComponent("absent.csv").path,
                                "--output", out.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("absent.csv: cannot read the file"), missing.output)
        XCTAssertEqual(try InstructionSet.read(out).records.count, 2, "a failed run leaves the old output alone")
    }
}
