import XCTest
@testable import CalmData

final class ConverterCaptionsTests: XCTestCase {
    typealias F = ConverterFixtures

    func testEachImageBecomesACritiqueWithAllReferences() throws {
        let set = try AVACaptionsConverter(annotations: F.url("ava-captions/ava_captions.json")).convert()
        XCTAssertEqual(set.records.map(\.id), ["953619", "954184", "954000"])
        XCTAssertEqual(F.skips(set), ["ava_captions.json#2 no comments", "ava_captions.json#3 missing key"])
        let first = set.records[0]
        XCTAssertEqual(first.conversations.map(\.value), [AVACaptionsConverter.prompt, "Lovely soft light on the petals."])
        XCTAssertEqual(first.metadata["references"], ["Lovely soft light on the petals.", "The background is too busy."])
        XCTAssertEqual(first.metadata["task"], "commenting")
        XCTAssertEqual(set.records[2].images, ["images/954000.jpg"])
    }

    func testSplitFilterAndOneRecordPerComment() throws {
        let set = try AVACaptionsConverter(annotations: F.url("ava-captions/ava_captions.json"), split: "test", eachComment: true).convert()
        XCTAssertEqual(set.records.map(\.id), ["954184#0", "954184#1", "954184#2"])
        XCTAssertEqual(set.records.map(\.conversations[1].value), ["Great timing.", "A tighter crop would help.", "Colours pop nicely."])
        XCTAssertTrue(set.records.allSatisfy { $0.metadata["references"]?.arrayValue?.count == 3 && $0.metadata["split"] == "test" })
    }
}
