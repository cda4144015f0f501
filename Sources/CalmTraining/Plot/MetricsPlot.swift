import CalmImage
import Foundation

/// Renders a run's `metrics.jsonl` as stacked line charts (loss, learning rate, gradient norm,
/// then every numeric field of evaluation records), with axes, ticks and labels, to a PNG.
public enum MetricsPlot {
    /// The per-step fields plotted, in order, when the log has them.
    public static let stepSeries = ["loss", "lr", "grad_norm"]

    /// A named series of (step, value) points.
    public struct Series: Equatable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.points.elementsEqual(b.points) { $0.x == $1.x && $0.y == $1.y }
        }
    }

    /// The series found in metrics records: the per-step fields, then `eval.<key>` for evaluation records
    /// (`{"step": n, "eval": {...}}`). Null (non-finite) values are left out.
    public static func series(from records: [[String: Any]]) -> [Series] {
        var found: [Series] = stepSeries.map { Series(name: $0, points: []) }
        var evalIndex: [String: Int] = [:]
        for record in records {
            guard let step = (record["step"] as? NSNumber)?.doubleValue else { continue }
            if let evaluation = record["eval"] as? [String: Any] {
                for (key, value) in evaluation.sorted(by: { $0.key < $1.key }) {
                    guard let number = (value as? NSNumber)?.doubleValue, number.isFinite else { continue }
                    let index = evalIndex[key] ?? { found.append(Series(name: "eval." + key, points: [])); return found.count - 1 }()
                    evalIndex[key] = index
                    found[index].points.append((step, number))
                }
                continue
            }
            for (index, key) in stepSeries.enumerated() {
                if let number = (record[key] as? NSNumber)?.doubleValue, number.isFinite { found[index].points.append((step, number)) }
            }
        }
        return found.filter { !$0.points.isEmpty }
    }

    /// Reads `metrics` and writes the chart to `output` as a PNG.
    public static func write(metrics: String, to output: String, width: Int = 900, panelHeight: Int = 240) throws {
        let all = series(from: try MetricsLog.read(metrics))
        guard !all.isEmpty else { throw TrainingError("\(metrics): no numeric metrics to plot") }
        try PNGWriter.write(render(all, width: width, panelHeight: panelHeight), to: output)
    }

    /// One panel per series, stacked top to bottom.
    public static func render(_ series: [Series], width: Int, panelHeight: Int) -> RGBImage {
        var canvas = Canvas(width: width, height: panelHeight * series.count, background: .init(red: 255, green: 255, blue: 255))
        for (index, one) in series.enumerated() {
            drawPanel(one, top: index * panelHeight, height: panelHeight, on: &canvas)
        }
        return canvas.image
    }

    private static let ink = RGBColor(red: 0, green: 0, blue: 0)
    private static let grid = RGBColor(red: 225, green: 225, blue: 225)
    private static let curve = RGBColor(red: 31, green: 119, blue: 180)

    private static func drawPanel(_ series: Series, top: Int, height: Int, on canvas: inout Canvas) {
        let (left, right) = (72, canvas.width - 16)
        let (plotTop, plotBottom) = (top + 22, top + height - 28)
        let xs = series.points.map(\.x), ys = series.points.map(\.y)
        let xTicks = niceTicks(xs.min()!, xs.max()!), yTicks = niceTicks(ys.min()!, ys.max()!)
        let (x0, x1) = (xTicks.first!, xTicks.last!), (y0, y1) = (yTicks.first!, yTicks.last!)
        func px(_ x: Double) -> Int { left + Int(((x - x0) / (x1 - x0) * Double(right - left)).rounded()) }
        func py(_ y: Double) -> Int { plotBottom - Int(((y - y0) / (y1 - y0) * Double(plotBottom - plotTop)).rounded()) }

        BitmapFont.draw("\(series.name) vs step", x: left, y: top + 8, color: ink, on: &canvas)
        for tick in xTicks {
            let x = px(tick), label = format(tick)
            canvas.line(x, plotTop, x, plotBottom, grid)
            canvas.line(x, plotBottom, x, plotBottom + 4, ink)
            BitmapFont.draw(label, x: x - BitmapFont.width(of: label) / 2, y: plotBottom + 8, color: ink, on: &canvas)
        }
        for tick in yTicks {
            let y = py(tick), label = format(tick)
            canvas.line(left, y, right, y, grid)
            canvas.line(left - 4, y, left, y, ink)
            BitmapFont.draw(label, x: left - 8 - BitmapFont.width(of: label), y: y - BitmapFont.height / 2, color: ink, on: &canvas)
        }
        canvas.line(left, plotTop, left, plotBottom, ink)
        canvas.line(left, plotBottom, right, plotBottom, ink)
        let points = series.points.map { (px($0.x), py($0.y)) }
        for (a, b) in zip(points, points.dropFirst()) { canvas.line(a.0, a.1, b.0, b.1, curve) }
        if points.count == 1 { canvas.line(points[0].0 - 2, points[0].1, points[0].0 + 2, points[0].1, curve) }
    }

    /// About five round tick values (1, 2 or 5 × 10ᵏ apart) covering [low, high].
    static func niceTicks(_ low: Double, _ high: Double) -> [Double] {
        let span = high - low
        let (low, high) = span > 0 ? (low, high) : (low - max(abs(low) * 0.1, 1e-12), high + max(abs(high) * 0.1, 1e-12))
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw }!
        let first = floor(low / step), last = ceil(high / step)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Compact tick labels: "0.001", "2.5e-05", "300".
    static func format(_ value: Double) -> String {
        let text = String(format: "%.3g", value)
        return text == "-0" ? "0" : text
    }
}
