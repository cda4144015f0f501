import CalmImage
import XCTest
@testable import CalmTraining

final class PlotTests: XCTestCase {
    func testSeriesSkipNullsAndCollectEvaluations() {
        let records: [[String: Any]] = [
            ["step": 1, "loss": 2.0, "lr": 0.1, "grad_norm": 1.0],
            ["step": 2, "loss": NSNull(), "lr": 0.2, "grad_norm": NSNull(), "skipped": "non-finite"],
            ["step": 2, "eval": ["mse": 0.5]],
            ["step": 3, "loss": 1.0, "lr": 0.3, "grad_norm": 0.5],
        ]
        let series = MetricsPlot.series(from: records)
        XCTAssertEqual(series.map(\.name), ["loss", "lr", "grad_norm", "eval.mse"])
        XCTAssertEqual(series[0].points.map(\.x), [1, 3])
        XCTAssertEqual(series[1].points.map(\.y), [0.1, 0.2, 0.3])
        XCTAssertEqual(series[3].points.map(\.y), [0.5])
    }

    func testNiceTicks() {
        let cases: [(Double, Double, [Double])] = [
            (0, 120, [0, 50, 100, 150]), (1, 10, [0, 2, 4, 6, 8, 10]), (0.0012, 0.0095, [0, 0.002, 0.004, 0.006, 0.008, 0.01]),
            (-3, 3, [-4, -2, 0, 2, 4]),
        ]
        for (low, high, expected) in cases {
            let ticks = MetricsPlot.niceTicks(low, high)
            XCTAssertEqual(ticks.count, expected.count, "\(low)...\(high): \(ticks)")
            for (a, b) in zip(ticks, expected) { XCTAssertEqual(a, b, accuracy: 1e-12, "\(low)...\(high)") }
        }
        let flat = MetricsPlot.niceTicks(5, 5)
        XCTAssertTrue(flat.first! < 5 && flat.last! > 5, "\(flat)")
        XCTAssertEqual(["0.001", "2.5e-05", "300", "0"], [0.001, 2.5e-5, 300, -0.0].map(MetricsPlot.format))
    }

    /// The line y = x over 0...10 passes through the panel's centre; the axes are drawn in black;
    /// the PNG decodes (libpng) to the same pixels.
    func testRenderedChartHasAxesCurveAndLabels() throws {
        let series = MetricsPlot.Series(name: "loss", points: (0...10).map { (Double($0), Double($0)) })
        let image = MetricsPlot.render([series], width: 300, panelHeight: 200)
        XCTAssertEqual([image.width, image.height], [300, 200])
        let (left, right, top, bottom) = (72, 284, 22, 172)
        XCTAssertEqual(image[left, (top + bottom) / 2], RGBColor(red: 0, green: 0, blue: 0), "y axis")
        XCTAssertEqual(image[(left + right) / 2, bottom], RGBColor(red: 0, green: 0, blue: 0), "x axis")
        let curve = RGBColor(red: 31, green: 119, blue: 180)
        XCTAssertTrue((95...99).contains { image[178, $0] == curve }, "the curve crosses the centre")
        XCTAssertFalse((0..<20).contains { image[200, $0] == curve }, "nothing of the curve above the plot")
        let titleInk = (8..<15).flatMap { y in (72..<140).map { x in image[x, y] } }.filter { $0.red == 0 }
        XCTAssertGreaterThan(titleInk.count, 40, "the title is drawn")

        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try PNGWriter.write(image, to: folder + "/chart.png")
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: folder + "/chart.png"), image)
    }

    func testProgressIsABarOnATerminalAndLinesInALog() {
        for isTerminal in [true, false] {
            var written: [String] = []
            let progress = ProgressReporter(totalSteps: 4, every: 2, isTerminal: isTerminal) { written.append($0) }
            for step in 1...4 {
                progress.show(step: step, loss: 0.5, lr: 1e-3, tokensPerSecond: 100, imagesPerSecond: 8, secondsPerStep: 30)
            }
            if isTerminal {
                XCTAssertEqual(written.count, 4)
                XCTAssertTrue(written[0].hasPrefix("\r██████") && written[0].contains("1/4") && written[0].contains("eta 1m30s"), written[0])
                XCTAssertTrue(written[3].hasSuffix("\n"))
            } else {
                XCTAssertEqual(written, ["step 2/4  loss 0.5000  lr 1.00e-03  100 tok/s  8.0 img/s  eta 1m00s\n",
                                         "step 4/4  loss 0.5000  lr 1.00e-03  100 tok/s  8.0 img/s  eta 0m00s\n"])
            }
        }
    }
}
