import Foundation
import XCTest
@testable import CalmData

final class InstructionSetTests: XCTestCase {
    private func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/instructions/\(name)", withExtension: nil))
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("calm-instructions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testJSONLKeepsValidRecordsAndSkipsEachFaultWithItsLine() throws {
        let set = try InstructionSet.read(fixture("conversations.jsonl"), images: ImageFolder(fixture("images")))
        XCTAssertEqual(set.records.map(\.id), ["cat-1", "pair-2", "10"])

        let expected: [(line: Int, reason: String)] = [
            (4, "bad JSON"),
            (5, "missing key"),
            (6, "placeholder count mismatch"),
            (7, "unknown role"),
            (8, "empty answer"),
            (9, "wrong type"),
            (12, "wrong type"),
            (13, "turn order"),
            (14, "not an object"),
        ]
        let fromLines = set.skipped.filter { if case .line = $0.location { return true } else { return false } }
        XCTAssertEqual(fromLines.map(\.location), expected.map { .line($0.line) })
        XCTAssertEqual(fromLines.map(\.problem.reason), expected.map(\.reason))
        XCTAssertTrue(fromLines.allSatisfy { $0.file == "conversations.jsonl" })
        XCTAssertEqual(fromLines[1].description, "conversations.jsonl:5: missing key: no 'conversations'")
        XCTAssertEqual(fromLines[2].problem.detail, "2 <image> placeholders for 1 images")

        // The record whose file is absent from the folder goes last, named by its id.
        XCTAssertEqual(set.skipped.last, SkippedRecord(file: "conversations.jsonl", location: .key("missing-file"),
                                                       problem: RecordProblem("missing image", "'owl.png' not found")))
        XCTAssertEqual(set.skipped.count, 10)
        XCTAssertEqual(set.skippedByReason.first?.reason, "wrong type")
        XCTAssertEqual(set.skippedByReason.first?.count, 2)
    }

    func testValidRecordsKeepImagesTurnsAndMetadata() throws {
        let set = try InstructionSet.read(fixture("conversations.jsonl"))
        XCTAssertEqual(set.records.map(\.id), ["cat-1", "pair-2", "10", "missing-file"])
        let single = set.records[0]
        XCTAssertEqual(single.images, ["cat.png"])
        XCTAssertEqual(single.conversations.map(\.from), [.human, .gpt])
        XCTAssertEqual(single.conversations[1].value, "The aesthetic quality of the image is good.")
        XCTAssertEqual(single.metadata, ["task": "scoring", "score": 6.5])

        let pair = set.records[1]
        XCTAssertEqual(pair.images, ["cat.png", "garden/tree.png"])
        XCTAssertEqual(pair.conversations.count, 4)
        XCTAssertEqual(pair.metadata, ["task": "personalized_scoring", "user": "u7"])

        XCTAssertEqual(set.records[2].images, [])
    }

    func testJSONListReportsRecordIndices() throws {
        let set = try InstructionSet.read(fixture("conversations.json"))
        XCTAssertEqual(set.records.map(\.id), ["dog-1", "tree-3"])
        XCTAssertEqual(set.skipped.map(\.description), [
            "conversations.json record 1: missing key: no 'id'",
            "conversations.json record 2: ambiguous images: both 'image' and 'images' are present",
        ])
    }

    func testFileLevelFaultsThrowNamingTheFile() throws {
        for name in ["truncated.json", "absent.jsonl"] {
            let url = try fixture("conversations.json").deletingLastPathComponent().appendingPathComponent(name)
            XCTAssertThrowsError(try InstructionSet.read(url)) { error in
                let failure = error as? InstructionSetError
                XCTAssertEqual(failure?.file, url.path, name)
            }
        }
    }

    func testImageFolderReturnsTheFilesBytes() throws {
        let folder = ImageFolder(try fixture("images"))
        let set = try InstructionSet.read(fixture("conversations.jsonl"), images: folder)
        let pair = try XCTUnwrap(set.records.first { $0.id == "pair-2" })
        let bytes = try pair.imageBytes(from: folder)
        XCTAssertEqual(bytes.count, 2)
        let onDisk = try Data(contentsOf: fixture("images/garden/tree.png"))
        XCTAssertEqual(bytes[1], [UInt8](onDisk))
        XCTAssertEqual(Array(bytes[0].prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        for outside in ["../conversations.json", "/etc/hostname", "garden//tree.png", ""] {
            XCTAssertFalse(folder.contains(outside), outside)
            XCTAssertThrowsError(try folder.bytes(for: outside), outside)
        }
        XCTAssertFalse(folder.contains("garden"), "a folder is not an image")
        XCTAssertThrowsError(try folder.bytes(for: "owl.png")) { error in
            XCTAssertTrue("\(error)".contains("owl.png"))
        }
    }

    func testWriteThenReadRoundTrips() throws {
        let original = try InstructionSet.read(fixture("conversations.jsonl"))
        let out = try temporaryFolder().appendingPathComponent("set.jsonl")
        try "stale content\n".write(to: out, atomically: false, encoding: .utf8)
        try original.write(to: out)

        let reread = try InstructionSet.read(out)
        XCTAssertEqual(reread.records, original.records)
        XCTAssertEqual(reread.skipped, [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["set.jsonl"],
                       "no temporary file is left behind")
        let firstLine = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertEqual(String(firstLine), #"{"conversations":[{"from":"human","value":"<image>\nHow would you rate the aesthetic quality of this image?"},{"from":"gpt","value":"The aesthetic quality of the image is good."}],"id":"cat-1","image":"cat.png","metadata":{"score":6.5,"task":"scoring"}}"#)
    }

    func testWriteIntoAMissingFolderThrows() throws {
        let out = try temporaryFolder().appendingPathComponent("absent/set.jsonl")
        XCTAssertThrowsError(try InstructionSet(records: []).write(to: out)) { error in
            XCTAssertTrue("\(error)".contains("set.jsonl"))
        }
    }
}
