import XCTest
@testable import CalmEval

/// Reading score CSVs and the full scoring report against scipy/numpy (scores_expected.json).
final class ScoreTableTests: XCTestCase {
    struct Expected: Decodable {
        let srcc: Double, plcc: Double, krcc: Double, rmse: Double, accuracy: Double
        let emd: Double, emd_r1: Double
    }

    func testReportOfFixtureCSVMatchesScipy() throws {
        let table = try ScoreTable(contentsOf: fixtureURL("scores.csv"))
        let expected = try fixture("scores_expected.json", as: Expected.self)
        XCTAssertEqual(table.predictions.count, 60)
        XCTAssertEqual(table.distributions?.predicted.first?.count, 10)
        let report = try ScoringReport(table)
        assertClose(report.srcc, expected.srcc, relative: 1e-9, "SRCC")
        assertClose(report.plcc, expected.plcc, relative: 1e-9, "PLCC")
        assertClose(report.krcc, expected.krcc, relative: 1e-9, "KRCC")
        assertClose(report.rmse, expected.rmse, relative: 1e-9, "RMSE")
        assertClose(report.accuracy, expected.accuracy, relative: 1e-12, "accuracy")
        assertClose(try XCTUnwrap(report.emd), expected.emd, relative: 1e-9, "EMD r=2")
        assertClose(try XCTUnwrap(ScoringReport(table, emdPower: 1).emd), expected.emd_r1, relative: 1e-9, "EMD r=1")
    }

    func testParsesLayoutVariants() throws {
        let table = try ScoreTable(csv: "label, prediction ,note\r\n6,5.5,a\r\n\r\n3,4,b\r\n", path: "t.csv")
        XCTAssertEqual(table, ScoreTable(predictions: [5.5, 4], labels: [6, 3]))
        let withBins = try ScoreTable(csv: "prediction,label,q1,p1,p2,q2\n5,6,1,0.25,0.75,3\n", path: "t.csv")
        XCTAssertEqual(withBins.distributions?.predicted, [[0.25, 0.75]])
        XCTAssertEqual(withBins.distributions?.groundTruth, [[1, 3]])
    }

    func testJSONHasTheKeysOtherToolsRead() throws {
        let report = try ScoringReport(ScoreTable(predictions: [1, 1, 1], labels: [1, 2, 3]))
        XCTAssertEqual(report.json, #"{"srcc": null, "plcc": null, "krcc": null, "rmse": 1.2909944487358056, "accuracy": 1.0}"#)
    }

    func testBadFilesNameFileLineAndColumn() {
        let bad: [(csv: String, message: String)] = [
            ("", "b.csv: empty file: expected a header line with 'prediction,label'"),
            ("prediction,score\n1,2\n", "b.csv, line 1 (header): missing column 'label'"),
            ("label\n1\n", "b.csv, line 1 (header): missing column 'prediction'"),
            ("prediction,label\n1,2\n3,abc\n", "b.csv, line 3, column 'label': 'abc' is not a finite number"),
            ("prediction,label\n1,2\n\n4,inf\n", "b.csv, line 4, column 'label': 'inf' is not a finite number"),
            ("prediction,label\n1,2,3\n", "b.csv, line 2: 3 fields but the header has 2"),
            ("prediction,label\n", "b.csv: no samples after the header line"),
            ("prediction,label,p1,p2,q1\n1,2,3,4,5\n", "b.csv, line 1 (header): distribution columns p1...p2 and q1...q1 differ in number"),
        ]
        for (csv, message) in bad {
            XCTAssertThrowsError(try ScoreTable(csv: csv, path: "b.csv"), csv) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }

    func testUnreadableFileIsNamed() {
        XCTAssertThrowsError(try ScoreTable(contentsOf: URL(fileURLWithPath: "/nonexistent/scores.csv"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/scores.csv: cannot read"), "\(error)")
        }
    }
}
