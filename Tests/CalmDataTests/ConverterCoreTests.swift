import XCTest
@testable import CalmData

final class ConverterCoreTests: XCTestCase {
    func testLevelsCutTheScaleIntoFiveEqualBinsClosedBelow() {
        let cases: [(ScoreScale, Double, AestheticLevel)] = [
            (.oneToTen, 1, .bad), (.oneToTen, 2.79, .bad), (.oneToTen, 2.8, .poor), (.oneToTen, 4.6, .fair),
            (.oneToTen, 6.39, .fair), (.oneToTen, 6.4, .good), (.oneToTen, 8.2, .excellent), (.oneToTen, 10, .excellent),
            (.oneToFive, 1.79, .bad), (.oneToFive, 1.8, .poor), (.oneToFive, 2.6, .fair), (.oneToFive, 3.4, .good),
            (.oneToFive, 4.2, .excellent), (.oneToFive, 5, .excellent),
            (.unit, 0, .bad), (.unit, 0.2, .poor), (.unit, 0.4, .fair), (.unit, 0.6, .good), (.unit, 0.8, .excellent),
        ]
        for (scale, score, level) in cases {
            XCTAssertEqual(scale.level(of: score), level, "\(score) on \(scale)")
        }
    }

    func testAnswersAndPromptsFollowTheStyle() throws {
        let level = ScoringInstruction(dataset: "ava", scale: .oneToTen, style: .level)
        let numeric = ScoringInstruction(dataset: "ava", scale: .oneToTen, style: .numeric)
        XCTAssertEqual(level.answer(for: 6.534), "The aesthetic quality of the image is good.")
        XCTAssertEqual(numeric.answer(for: 6.534), "6.53")
        XCTAssertEqual(numeric.answer(for: 7), "7.00")
        XCTAssertEqual(numeric.prompt, "<image>\nRate the aesthetic quality of this image from 1 to 10. Answer with the score only.")
        XCTAssertEqual(ScoringInstruction(dataset: "aadb", scale: .unit, style: .numeric).prompt.contains("from 0 to 1."), true)

        let record = try numeric.record(id: "x", image: "x.jpg", score: 6.534)
        XCTAssertEqual(record.metadata, ["task": "scoring", "dataset": "ava", "score": 6.534, "scale": [1.0, 10.0], "level": "good"])
        XCTAssertThrowsError(try numeric.record(id: "x", image: "x.jpg", score: 10.5)) { error in
            XCTAssertEqual((error as? RecordProblem)?.reason, "out of range")
        }
        // A built record passes the reader's validation.
        XCTAssertEqual(try InstructionRecord(json: record.json), record)
    }

    func testCSVFieldsHonourQuotes() {
        let cases: [(String, [String])] = [
            ("a,b,c", ["a", "b", "c"]),
            ("\"x, y\",2", ["x, y", "2"]),
            ("\"say \"\"hi\"\"\",", ["say \"hi\"", ""]),
            ("", [""]),
        ]
        for (line, fields) in cases {
            XCTAssertEqual(CSVTable.split(Substring(line)).map(String.init), fields, line)
        }
    }

    func testPersonalizedSplitIsDeterministicDisjointAndSeedDependent() throws {
        let ratings = (0..<12).flatMap { image in
            ["u1", "u2"].map { Rating(user: $0, image: "img\(image).jpg", score: Double(1 + image % 5)) }
        } + [Rating(user: "u3", image: "img0.jpg", score: 3)]
        let instruction = ScoringInstruction(dataset: "test", scale: .oneToFive, style: .level, task: "personalized_scoring")
        func trainImages(_ seed: UInt64, _ input: [Rating]) throws -> [String: [String]] {
            let set = try PersonalizedSplit(shots: 4, seed: seed).records(for: input, instruction: instruction, file: "r.csv")
            XCTAssertEqual(set.skipped.map(\.description), ["r.csv [user u3]: too few ratings: 1 ratings, needs more than 4"])
            return Dictionary(grouping: set.records.filter { $0.metadata["split"] == "train" }) { $0.metadata["user"]!.stringValue! }
                .mapValues { $0.map(\.images[0]).sorted() }
        }
        let first = try trainImages(7, ratings)
        XCTAssertEqual(first.mapValues(\.count), ["u1": 4, "u2": 4])
        XCTAssertEqual(try trainImages(7, ratings.reversed()), first, "file order does not matter")
        XCTAssertNotEqual(try trainImages(8, ratings), first, "another seed gives another split")
        XCTAssertNotEqual(first["u1"], first["u2"], "each user is shuffled on their own")

        let set = try PersonalizedSplit(shots: 4, seed: 7).records(for: ratings, instruction: instruction, file: "r.csv")
        XCTAssertEqual(set.records.count, 24)
        let u1 = set.records.filter { $0.metadata["user"] == "u1" }
        XCTAssertEqual(Set(u1.map(\.images[0])).count, 12, "train and test are disjoint and cover every rating")
    }

    func testPerUserFilesHoldEachUsersSplit() throws {
        let ratings = (0..<5).map { Rating(user: "w1", image: "i\($0).jpg", score: 3) }
        let instruction = ScoringInstruction(dataset: "test", scale: .oneToFive, style: .numeric, task: "personalized_scoring")
        let set = try PersonalizedSplit(shots: 2, seed: 1).records(for: ratings, instruction: instruction, file: "r.csv")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calm-per-user-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let files = try set.writePerUser(to: folder)
        XCTAssertEqual(files.map(\.lastPathComponent), ["w1.test.jsonl", "w1.train.jsonl"])
        XCTAssertEqual(try InstructionSet.read(files[0]).records.count, 3)
        XCTAssertEqual(try InstructionSet.read(files[1]).records.map(\.conversations[1].value), ["3.00", "3.00"])
    }
}
