import ArgumentParser
import CalmTasks
import Foundation

/// `calm build-benchmark`: the demonstration benchmark from the real photo corpus.
struct BuildBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-benchmark",
        abstract: "Build the corpus benchmark: resized images, degraded copies, and every task's instruction files.",
        discussion: "Labels are documented proxies (curated 7, snapshot 3, degraded 6 − 3·strength; simulated raters); see Scripts/benchmark/README.md.")

    @Option(help: "The corpus folder (attribution.csv, captions.jsonl, photos), from Scripts/corpus/build_corpus.py.")
    var corpus: String

    @Option(help: "Output folder.")
    var output: String

    @Option(help: "Seed of the split, the degradations and the raters' noise.")
    var seed: UInt64 = 7

    @Option(help: "Long side of the written images, in pixels.")
    var longSide = 256

    func run() throws {
        let benchmark = CorpusBenchmark(seed: seed, longSide: longSide)
        let files = try benchmark.build(corpus: URL(fileURLWithPath: corpus), output: URL(fileURLWithPath: output)) {
            print($0)
        }
        for (file, records) in files { print("\(file): \(records) records") }
    }
}
