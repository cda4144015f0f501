import CalmEval
import CalmSelfSupervision
import XCTest
@testable import CalmTasks

final class PersonalizationTests: XCTestCase {
    /// The bundled photos and their degraded copies: 4 + 4·10 images with varied attributes.
    static let images: [(id: String, attributes: ImageAttributes)] = try! Fixture.photos().flatMap { file, photo in
        [(file, ImageAttributes(photo))] + Degradation.Kind.allCases.map { kind in
            (file + "/" + kind.rawValue, ImageAttributes(Degradation(kind, strength: 0.8).applied(to: photo, seed: 3)))
        }
    }

    /// Ratings are 1–5 integers, the same on every run, and each rater's ratings follow its
    /// own taste: SRCC with the weighted attribute it cares about most is clearly positive.
    func testRatersFollowTheirTaste() throws {
        let images = Self.images
        for rater in SimulatedRater.panel {
            let ratings = try rater.ratings(of: images)
            XCTAssertEqual(ratings.map(\.score), try rater.ratings(of: images).map(\.score))
            XCTAssertTrue(ratings.allSatisfy { (1...5).contains($0.score) && $0.score == $0.score.rounded() })
            let (attribute, weight) = rater.weights.max { abs($0.weight) < abs($1.weight) }!
            let values = images.map { $0.attributes.value(attribute)! * weight }
            XCTAssertGreaterThan(try spearman(ratings.map(\.score), values), 0.3, "\(rater.name) vs \(attribute.rawValue)")
        }
    }

    func testRatersDisagree() throws {
        let images = Self.images
        let vivid = try SimulatedRater.panel[0].ratings(of: images).map(\.score)
        let calm = try SimulatedRater.panel[1].ratings(of: images).map(\.score)
        XCTAssertLessThan(try spearman(vivid, calm), 0.5)
    }

    /// Per-user SRCC averaged over users: a user ranked perfectly (1) and one ranked backwards (−1).
    func testReportAveragesPerUserSRCC() throws {
        let csv = """
            user,id,prediction,generic,label
            a,1,1,3,1
            a,2,2,2,2
            a,3,3,1,3
            b,1,3,1,1
            b,2,2,2,2
            b,3,1,3,3
            """
        let report = try PersonalizationReport(try PersonalizationReport.predictions(csv: csv, path: "p.csv"))
        XCTAssertEqual(report.users, 2)
        XCTAssertEqual(report.srcc, 0, accuracy: 1e-12)
        XCTAssertEqual(report.genericSRCC, 0, accuracy: 1e-12)
        let values: [Double] = report.perUser.flatMap { [$0.srcc, $0.generic] }
        for (got, expected) in zip(values, [1.0, -1, -1, 1]) {
            XCTAssertEqual(got, expected, accuracy: 1e-12)
        }
        XCTAssertEqual(report.perUser.map(\.user), ["a", "b"])
        XCTAssertTrue(report.json.hasPrefix("{\"users\": 2.0, \"srcc\": "), report.json)
    }

    func testBadCSVNamesFileLineAndColumn() {
        let cases: [(csv: String, message: String)] = [
            ("user,prediction,label\na,1,2", "p.csv: no 'generic' column in the header"),
            ("user,prediction,generic,label\na,1,x,2", "p.csv, line 2: 'x' in column 'generic' is not a number"),
            ("user,prediction,generic,label\na,1,2", "p.csv, line 2: 3 fields, the header has 4"),
        ]
        for (csv, message) in cases {
            XCTAssertThrowsError(try PersonalizationReport.predictions(csv: csv, path: "p.csv")) {
                XCTAssertEqual(($0 as? TaskError)?.message, message)
            }
        }
    }
}
