import XCTest
@testable import CalmData

final class ConverterScoringTests: XCTestCase {
    typealias F = ConverterFixtures

    func testAVAComputesMOSAndDistributionAndSkipsBadLines() throws {
        let set = try AVAConverter(annotations: F.url("ava/AVA.txt")).convert()
        try F.assertMatchesReference(set, dataset: "ava")
        XCTAssertEqual(F.skips(set), ["AVA.txt:5 bad distribution", "AVA.txt:6 bad number", "AVA.txt:7 wrong field count"])

        let first = try XCTUnwrap(set.records.first)
        XCTAssertEqual(first.id, "953619")
        XCTAssertEqual(first.images, ["953619.jpg"])
        XCTAssertEqual(first.metadata["votes"], 124.0)
        XCTAssertEqual(first.metadata["tags"], [1, 22])
        XCTAssertEqual(first.metadata["challenge"], 1396)
        XCTAssertEqual(first.metadata["distributionBins"], .array((1...10).map { .double(Double($0)) }))
        XCTAssertEqual(set.records.map { $0.metadata["level"]!.stringValue! }.filter { $0 == "excellent" || $0 == "bad" },
                       ["excellent", "bad"], "the fixture reaches both ends of the scale")
    }

    func testAVASplitFileSelectsImagesAndReportsUnknownIds() throws {
        let set = try AVAConverter(annotations: F.url("ava/AVA.txt"), splitFile: F.url("ava/generic_test.jpgl"), style: .numeric).convert()
        XCTAssertEqual(set.records.map(\.id), ["953619", "954184", "954195", "954000"])
        XCTAssertTrue(set.records.allSatisfy { $0.metadata["split"] == "generic_test" })
        XCTAssertEqual(set.records[0].conversations[1].value, "5.64")
        XCTAssertEqual(F.skips(set), ["AVA.txt:5 bad distribution", "AVA.txt:6 bad number", "AVA.txt:7 wrong field count",
                                      "generic_test.jpgl:5 unknown image"], "faulty lines are reported even outside the split")
    }

    func testMissingImagesAreSkippedByName() throws {
        var set = try AVAConverter(annotations: F.url("ava/AVA.txt"), splitFile: F.url("ava/generic_test.jpgl")).convert()
        set.dropRecordsWithMissingImages(in: ImageFolder(try F.url("ava/images")), file: "AVA.txt")
        XCTAssertEqual(set.records.map(\.id), ["953619", "954184"])
        XCTAssertEqual(Array(F.skips(set).suffix(2)), ["AVA.txt[954195] missing image", "AVA.txt[954000] missing image"])
    }

    func testAADBJoinsAttributeListsOfOneSplit() throws {
        let set = try AADBConverter(folder: F.url("aadb"), split: "Train", describeAttributes: true).convert()
        let reference = try F.expected("aadb").filter { $0.key.hasPrefix("farm1_2") }
        XCTAssertEqual(Set(set.records.map(\.id)), Set(reference.keys))
        for record in set.records {
            XCTAssertEqual(record.metadata["level"], reference[record.id]?["level"], record.id)
        }
        XCTAssertEqual(F.skips(set), [
            "imgListTrainRegression_BalacingElements.txt:2 out of range",
            "imgListTrainRegression_score.txt:4 out of range",
            "imgListTrainRegression_score.txt:5 wrong field count",
        ])
        let first = try XCTUnwrap(set.records.first)
        XCTAssertEqual(first.metadata["attributes"], ["ColorHarmony": 0.4, "BalacingElements": -0.2])
        XCTAssertEqual(first.metadata["split"], "Train")
        XCTAssertEqual(first.conversations.map(\.value).suffix(2),
                       [AADBConverter.attributeQuestion, "Balancing elements: neutral; color harmony: positive."])
        let second = try XCTUnwrap(set.records.dropFirst().first)
        XCTAssertEqual(second.metadata["attributes"], ["ColorHarmony": -0.6], "the out-of-range value is left out")

        let test = try AADBConverter(folder: F.url("aadb"), split: "Test").convert()
        XCTAssertEqual(test.records.map(\.id), ["farm1_318_19557432814_5e1b5a0db6_b.jpg", "farm1_322_19922423512_0cc9d1d7b0_b.jpg"])
        XCTAssertEqual(test.records.map(\.conversations.count), [2, 2])
        XCTAssertThrowsError(try AADBConverter(folder: F.url("aadb"), split: "Validation").convert()) { error in
            XCTAssertTrue("\(error)".contains("imgListValidationRegression_score.txt"))
        }
    }

    func testTAD66KReadsTheCSVAndReportsEachFaultyLine() throws {
        let set = try TAD66KConverter(annotations: F.url("tad66k/test.csv")).convert()
        try F.assertMatchesReference(set, dataset: "tad66k")
        XCTAssertEqual(F.skips(set), ["test.csv:5 out of range", "test.csv:6 bad number", "test.csv:7 wrong field count",
                                      "test.csv:8 missing value"])
        XCTAssertEqual(set.skipped[1].description, "test.csv:6: bad number: score is 'abc', not a number")
    }

    func testPARAKeepsHistogramStdAndAttributes() throws {
        let set = try PARAConverter(annotations: F.url("para/PARA-GiaaTest.csv")).convert()
        try F.assertMatchesReference(set, dataset: "para")
        XCTAssertEqual(F.skips(set), ["PARA-GiaaTest.csv:5 bad distribution", "PARA-GiaaTest.csv:6 bad number"])
        let first = try XCTUnwrap(set.records.first)
        XCTAssertEqual(first.images, ["session1/iaa_pub1_.jpg"])
        XCTAssertEqual(first.metadata["std"], 0.66)
        XCTAssertEqual(first.metadata["votes"], 25.0)
        XCTAssertEqual(first.metadata["distributionBins"], [1.0, 2.0, 3.0, 4.0, 5.0])
        XCTAssertEqual(first.metadata["attributes"], ["qualityScore": 3.5, "compositionScore": 3.2])
    }

    func testMissingColumnsAndFilesThrowNamingTheFile() throws {
        let cases: [(String, () throws -> InstructionSet)] = [
            ("test.csv", { try PARAConverter(annotations: F.url("tad66k/test.csv")).convert() }),
            ("AVA.txt", { try TAD66KConverter(annotations: F.url("ava/AVA.txt")).convert() }),
            ("absent.txt", { try AVAConverter(annotations: F.url("ava").appendingPathComponent("absent.txt")).convert() }),
        ]
        for (name, convert) in cases {
            XCTAssertThrowsError(try convert(), name) { error in
                XCTAssertTrue(error is InstructionSetError, "\(error)")
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
    }
}
