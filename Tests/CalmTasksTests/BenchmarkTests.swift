import CalmData
import CalmEval
import XCTest
@testable import CalmTasks

final class BenchmarkTests: XCTestCase {
    func testReadsQuotedAttributionAndSplitsDeterministically() throws {
        let photos = try CorpusPhoto.read(corpus: Fixture.corpus, seed: 7)
        XCTAssertEqual(photos.map(\.file), ["skimage/chelsea.jpg", "skimage/astronaut.jpg", "mate/Dune.jpg", "plasma/BytheWater.jpg"])
        XCTAssertEqual(photos.map(\.quality), [.curated, .snapshot, .curated, .curated])
        XCTAssertEqual(photos[0].captions.count, 2)
        XCTAssertEqual(photos[0].id, "skimage-chelsea")
        XCTAssertEqual(photos.map(\.split), try CorpusPhoto.read(corpus: Fixture.corpus, seed: 7).map(\.split))
        // Every photo held out at 100 %, none at 0 %.
        XCTAssertTrue(try CorpusPhoto.read(corpus: Fixture.corpus, seed: 7, heldOutPercent: 100).allSatisfy { $0.split == .test })
        XCTAssertTrue(try CorpusPhoto.read(corpus: Fixture.corpus, seed: 7, heldOutPercent: 0).allSatisfy { $0.split == .train })
        XCTAssertEqual(CSVLine.fields(#"a,"b, ""c""",d"#).map(String.init), ["a", "b, \"c\"", "d"])
    }

    /// The whole build on the four-photo corpus: every file readable by the instruction reader,
    /// labels as documented, references readable by the commenting evaluator.
    func testBuildWritesEveryTask() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("calm-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let benchmark = CorpusBenchmark(seed: 7, longSide: 96, shots: [2])
        let files = try benchmark.build(corpus: Fixture.corpus, output: output)
        let counts = Dictionary(uniqueKeysWithValues: files.map { ($0.file, $0.records) })
        let photos = try CorpusPhoto.read(corpus: Fixture.corpus, seed: 7)
        let curated = photos.filter { $0.quality == .curated }
        XCTAssertEqual((counts["scoring-train.jsonl"] ?? 0) + (counts["scoring-test.jsonl"] ?? 0), photos.count + curated.count)
        XCTAssertEqual(counts["personalization-k2.jsonl"], SimulatedRater.panel.count * photos.count)
        // The pretraining photo lists: the splits' photos, disjoint, each an existing file.
        let lists = try ["train", "test"].map { split in
            try String(contentsOf: output.appendingPathComponent("photos-\(split).txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(lists[0].count, photos.filter { $0.split == .train }.count)
        XCTAssertEqual(lists[1].count, photos.filter { $0.split == .test }.count)
        XCTAssertTrue(Set(lists[0]).isDisjoint(with: lists[1]))
        XCTAssertTrue((lists[0] + lists[1]).allSatisfy { FileManager.default.fileExists(atPath: $0) })

        var scoring: [InstructionRecord] = []
        for split in ["train", "test"] where counts["scoring-\(split).jsonl"] != nil {
            scoring += try InstructionSet.read(output.appendingPathComponent("scoring-\(split).jsonl"), images: ImageFolder(output)).records
        }
        XCTAssertEqual(scoring.count, photos.count + curated.count)
        for record in scoring {
            let score = record.metadata["score"]!.doubleValue!
            switch record.metadata["source"]!.stringValue! {
            case "curated": XCTAssertEqual(score, 7)
            case "snapshot": XCTAssertEqual(score, 3)
            default:
                let strength = record.metadata["strength"]!.doubleValue!
                XCTAssertEqual(score, 6 - 3 * strength, accuracy: 1e-12)
            }
        }
        let suggesting = try ["train", "test"].filter { counts["suggesting-\($0).jsonl"] != nil }.flatMap {
            try InstructionSet.read(output.appendingPathComponent("suggesting-\($0).jsonl")).records
        }
        for record in suggesting {
            let kind = Degradation.Kind(rawValue: record.metadata["degradation"]!.stringValue!)!
            let degradation = Degradation(kind, strength: record.metadata["strength"]!.doubleValue!)
            XCTAssertTrue(degradation.isUndone(by: SuggestionText.firstCorrection(in: record.conversations[1].value)!))
        }
        let references = output.appendingPathComponent("commenting-references.json")
        let ids = (try JSONSerialization.jsonObject(with: Data(contentsOf: references)) as! [String: [String]]).keys
        if let id = ids.first {
            let candidates = output.appendingPathComponent("candidates.json")
            try Data("{\"\(id)\": \"A ginger cat looks at the camera.\"}".utf8).write(to: candidates)
            XCTAssertGreaterThan(CommentingReport(try CaptionCorpus(candidatesFile: candidates, referencesFile: references)).bleu[0], 0.5)
        }
        let personal = try InstructionSet.read(output.appendingPathComponent("personalization-k2.jsonl")).records
        XCTAssertEqual(personal.filter { $0.metadata["split"]?.stringValue == "train" }.count, 2 * SimulatedRater.panel.count)
    }

    func testMissingCorpusFileIsNamed() {
        XCTAssertThrowsError(try CorpusPhoto.read(corpus: URL(fileURLWithPath: "/nonexistent"), seed: 1)) {
            XCTAssertTrue("\($0)".hasPrefix("/nonexistent/attribution.csv: cannot read"), "\($0)")
        }
    }
}
