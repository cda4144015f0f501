import XCTest
@testable import CalmSelfSupervision

final class LevelAccuracyTests: XCTestCase {
    func testTalliesNamedLevelsAgainstTargets() {
        var tally = LevelAccuracy()
        let answers: [(targets: [Attribute: String], named: [Attribute: String])] = [
            ([.exposure: "dark", .contrast: "low"], [.exposure: "dark"]),                       // right, contrast not named
            ([.exposure: "dark", .contrast: "high"], [.exposure: "bright", .contrast: "high"]), // wrong, right
            ([.exposure: "balanced", .contrast: "low"], [.exposure: "balanced", .tilt: "level"]), // right; tilt not asked
        ]
        for answer in answers { tally.record(targets: answer.targets, named: answer.named) }
        let rows = Dictionary(uniqueKeysWithValues: tally.rows.map { ($0.attribute, $0) })
        XCTAssertEqual(tally.rows.map(\.attribute), [.exposure, .contrast])
        XCTAssertEqual(rows[.exposure].map { [$0.asked, $0.named, $0.correct] }, [3, 3, 2])
        XCTAssertEqual(rows[.contrast].map { [$0.asked, $0.named, $0.correct] }, [3, 1, 1])
        XCTAssertEqual(rows[.exposure]?.accuracy ?? 0, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(rows[.contrast]?.coverage ?? 0, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(rows[.exposure]?.chance ?? 0, 0.2, accuracy: 1e-12)     // five exposure levels
        XCTAssertEqual(rows[.exposure]?.majority ?? 0, 2.0 / 3, accuracy: 1e-12) // "dark" twice in three
        XCTAssertEqual(rows[.contrast]?.majority ?? 0, 2.0 / 3, accuracy: 1e-12) // "low" twice in three
        // Exposure: "dark" 1 of 2 right, "balanced" 1 of 1; contrast: "low" 0 of 2 (unnamed), "high" 1 of 1.
        XCTAssertEqual(rows[.exposure]?.balancedAccuracy ?? 0, (0.5 + 1) / 2, accuracy: 1e-12)
        XCTAssertEqual(rows[.contrast]?.balancedAccuracy ?? 0, (0 + 1) / 2, accuracy: 1e-12)
    }

    func testNeverNamedHasNoAccuracy() {
        var tally = LevelAccuracy()
        tally.record(targets: [.tilt: "level"], named: [:])
        XCTAssertNil(tally.rows[0].accuracy)
        XCTAssertEqual(tally.rows[0].coverage, 0)
    }
}
