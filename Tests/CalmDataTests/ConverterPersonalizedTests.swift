import XCTest
@testable import CalmData

final class ConverterPersonalizedTests: XCTestCase {
    typealias F = ConverterFixtures

    private func users(_ set: InstructionSet, split: String) -> [String: Int] {
        Dictionary(grouping: set.records.filter { $0.metadata["split"]?.stringValue == split }) { $0.metadata["user"]!.stringValue! }
            .mapValues(\.count)
    }

    func testFlickrAESGroupsByWorkerIntoKShotSplits() throws {
        let url = try F.url("flickr-aes/FLICKR-AES_image_labeled_by_each_worker.csv")
        let set = try FlickrAESConverter(ratings: url, split: PersonalizedSplit(shots: 2, seed: 42)).convert()
        XCTAssertEqual(users(set, split: "train"), ["A3NRW2": 2, "B7XKQ1": 2])
        XCTAssertEqual(users(set, split: "test"), ["A3NRW2": 4, "B7XKQ1": 2])
        XCTAssertEqual(F.skips(set), [
            "FLICKR-AES_image_labeled_by_each_worker.csv:14 out of range",
            "FLICKR-AES_image_labeled_by_each_worker.csv[user C9ZZT4] too few ratings",
        ])
        let record = try XCTUnwrap(set.records.first { $0.id == "A3NRW2/farm1_103_4.jpg" })
        XCTAssertEqual(record.metadata["score"], 5.0)
        XCTAssertEqual(record.metadata["task"], "personalized_scoring")
        XCTAssertEqual(record.conversations[1].value, "The aesthetic quality of the image is excellent.")

        let again = try FlickrAESConverter(ratings: url, split: PersonalizedSplit(shots: 2, seed: 42)).convert()
        XCTAssertEqual(again.records, set.records, "the same seed gives the same split")
    }

    func testPARAPersonalRatingsCarryUserInfo() throws {
        let set = try PARAPersonalizedConverter(ratings: F.url("para/PARA-Images.csv"), userInfo: F.url("para/PARA-UserInfo.csv"),
                                                split: PersonalizedSplit(shots: 2, seed: 0), style: .numeric).convert()
        XCTAssertEqual(users(set, split: "train"), ["A1": 2, "B2": 2])
        XCTAssertEqual(users(set, split: "test"), ["A1": 2, "B2": 1])
        XCTAssertEqual(F.skips(set), ["PARA-Images.csv:10 bad number", "PARA-Images.csv[user C3] too few ratings"])
        let record = try XCTUnwrap(set.records.first { $0.id == "A1/session2/iaa_pub3_.jpg" })
        XCTAssertEqual(record.images, ["session2/iaa_pub3_.jpg"])
        XCTAssertEqual(record.conversations[1].value, "5.00")
        XCTAssertEqual(record.metadata["userInfo"]?.objectValue?["photographyExperience"], "beginner")
    }
}
