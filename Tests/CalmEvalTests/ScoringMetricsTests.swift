import XCTest
@testable import CalmEval

/// Correlations, RMSE and accuracy against scipy/numpy on the vectors of scoring_cases.json.
final class ScoringMetricsTests: XCTestCase {
    struct Case: Decodable {
        let name: String
        let prediction: [Double], label: [Double]
        let srcc: Double?, plcc: Double?, krcc: Double?
        let rmse: Double, accuracy: Double
    }

    func testMatchesScipyOnEveryCase() throws {
        let cases = try fixture("scoring_cases.json", as: [Case].self)
        XCTAssertGreaterThanOrEqual(cases.count, 8)
        for c in cases {
            let (x, y) = (c.prediction, c.label)
            assertClose(try spearman(x, y), c.srcc, relative: 1e-9, "\(c.name) SRCC")
            assertClose(try pearson(x, y), c.plcc, relative: 1e-9, "\(c.name) PLCC")
            assertClose(try kendallTauB(x, y), c.krcc, relative: 1e-9, "\(c.name) KRCC")
            assertClose(try rootMeanSquaredError(x, y), c.rmse, relative: 1e-9, "\(c.name) RMSE")
            assertClose(try binaryAccuracy(x, y, threshold: 5), c.accuracy, relative: 1e-12, "\(c.name) accuracy")
        }
    }

    /// The merge-sort tau-b against the O(n²) definition, on data full of ties.
    func testKendallMatchesPairCountingDefinition() throws {
        func sign(_ v: Double) -> Double { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        for n in [2, 3, 17, 64] {
            // Few distinct values, so ties in x, in y and in both abound.
            let x = (0..<n).map { Double(($0 * 7 + $0 / 3) % 5) }
            let y = (0..<n).map { Double(($0 * $0 + 1) % 4) }
            var concordantMinusDiscordant = 0.0, untiedX = 0.0, untiedY = 0.0
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let dx = sign(x[i] - x[j]), dy = sign(y[i] - y[j])
                    concordantMinusDiscordant += dx * dy
                    untiedX += abs(dx)
                    untiedY += abs(dy)
                }
            }
            let expected = untiedX == 0 || untiedY == 0 ? nil : concordantMinusDiscordant / (untiedX * untiedY).squareRoot()
            assertClose(try kendallTauB(x, y), expected, relative: 1e-12, "tau-b n=\(n) x=\(x) y=\(y)")
        }
    }

    func testAverageRanksShareTies() {
        XCTAssertEqual(averageRanks([3, 1, 3, 2, 3]), [4, 1, 4, 2, 4])
        XCTAssertEqual(averageRanks([0.5, 0.5]), [1.5, 1.5])
    }

    func testAccuracyThresholdIsStrict() throws {
        // 5 is not above 5: both bad, they agree; 5.1 vs 5 disagree.
        XCTAssertEqual(try binaryAccuracy([5, 5.1], [5, 5]), 0.5)
        XCTAssertEqual(try binaryAccuracy([5, 5.1], [5, 5], threshold: 6), 1)
    }

    func testEarthMoversDistanceOfKnownHistograms() throws {
        // Two bins one step apart: CDFs differ by 1 in the first of 3 bins.
        let p: [[Double]] = [[1, 0, 0]], q: [[Double]] = [[0, 2, 0]]
        XCTAssertEqual(try earthMoversDistance(p, q, power: 2), (1.0 / 3).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(try earthMoversDistance(p, q, power: 1), 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(try earthMoversDistance(q, q), 0)
    }

    func testInvalidInputsThrowClearErrors() {
        let invalid: [(String, () throws -> Double, String)] = [
            ("n < 2", { try spearman([1], [2]) }, "SRCC needs at least 2 samples, got 1"),
            ("empty", { try rootMeanSquaredError([], []) }, "RMSE needs at least 1 samples, got 0"),
            ("lengths", { try pearson([1, 2, 3], [1, 2]) }, "PLCC: 3 predictions but 2 labels"),
            ("NaN", { try kendallTauB([1, .nan], [1, 2]) }, "KRCC: sample 1 is not finite (nan, 2.0)"),
            ("EMD bins", { try earthMoversDistance([[1, 2]], [[1, 2, 3]]) }, "EMD: sample 0 has 2 predicted bins but 3 ground-truth bins"),
            ("EMD empty", { try earthMoversDistance([[0, 0]], [[1, 2]]) }, "EMD: sample 0 has an empty distribution (all bins 0)"),
            ("EMD negative", { try earthMoversDistance([[1, -1]], [[1, 2]]) }, "EMD: sample 0 has a negative or non-finite bin: [1.0, -1.0]"),
        ]
        for (name, compute, message) in invalid {
            XCTAssertThrowsError(try compute(), name) { error in
                XCTAssertEqual(error as? EvalError, .invalidInput(message), name)
            }
        }
    }

    func testConstantSamplesHaveUndefinedCorrelations() throws {
        let constant = [7.0, 7.0, 7.0], varying = [1.0, 2.0, 3.0]
        XCTAssertTrue(try spearman(constant, varying).isNaN)
        XCTAssertTrue(try pearson(varying, constant).isNaN)
        XCTAssertTrue(try kendallTauB(constant, varying).isNaN)
        // A constant of a value that does not sum exactly (0.1 * 3 != 0.3) is still constant.
        XCTAssertTrue(try pearson([0.1, 0.1, 0.1], varying).isNaN)
    }
}
