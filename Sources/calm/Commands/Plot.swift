import ArgumentParser
import CalmTraining
import Foundation

/// `calm plot RUN_DIR [--output PATH]`: the run's metrics as a PNG chart.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render a run's loss and metric curves (metrics.jsonl) to a PNG.")

    @Argument(help: "The run folder (run.dir of the recipe).") var runDirectory: String
    @Option(name: .shortAndLong, help: "The PNG to write (default RUN/metrics.png).") var output: String?

    func run() throws {
        let path = output ?? (runDirectory as NSString).appendingPathComponent("metrics.png")
        try MetricsPlot.write(metrics: (runDirectory as NSString).appendingPathComponent("metrics.jsonl"), to: path)
        print("plot: \(path)")
    }
}
