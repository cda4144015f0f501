import ArgumentParser
import CalmData
import Foundation

/// `calm ingest`: validates images and packs them into HDF5 shards, resuming an interrupted run.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate images and pack them into HDF5 shards with a manifest (resumable).",
        discussion: "Unreadable images are skipped and listed in \(ShardFormat.reportName). Running again on the same "
            + "output continues after the last complete shard.")

    @Argument(help: "A folder of .png/.jpg/.jpeg/.webp images (searched recursively) or a file listing one path per line.")
    var source: String

    @Option(name: .shortAndLong, help: "The shard folder to write.")
    var output: String

    @Option(help: "Images per shard (a shard is held in memory while it fills).")
    var shardSize = 256

    @Option(help: "Store S×S RGB pixels (shorter side resized to S, centre crop) instead of the encoded files.")
    var fixedSize: Int?

    @Option(help: "CSV of labels, 'key,value[,value...]' per line (key: image id or file name); unlabeled images are skipped.")
    var labels: String?

    @Option(help: "Threads decoding images.")
    var workers = 2

    func run() throws {
        let options = IngestOptions(source: source, output: output, shardSize: shardSize, fixedSize: fixedSize,
                                    labelsPath: labels, workers: workers)
        var display = ProgressDisplay(isTerminal: isatty(STDOUT_FILENO) != 0)
        let report = try ShardIngest.run(options) { display.show($0) }
        display.finish()
        let resumed = report.resumedShards > 0 ? " (\(report.resumedShards) kept from an earlier run)" : ""
        print("ingest: \(report.images) images in \(report.shards) shards\(resumed), \(report.skipped.count) skipped -> \(output)")
        for skipped in report.skipped.prefix(20) { print("  skipped \(skipped.path): \(skipped.reason)") }
        if report.skipped.count > 20 { print("  ... and \(report.skipped.count - 20) more") }
        if !report.skipped.isEmpty { print("  full list: \(output)/\(ShardFormat.reportName)") }
    }
}

/// Progress as a redrawn bar on a terminal, or a line every few seconds in a log.
private struct ProgressDisplay {
    let isTerminal: Bool
    private var lastLine = Date.distantPast

    init(isTerminal: Bool) { self.isTerminal = isTerminal }

    mutating func show(_ progress: IngestProgress) {
        let counts = "\(progress.processed)/\(progress.total) files, \(progress.images) images, \(progress.skipped) skipped, "
            + String(format: "%.1f files/s", progress.rate)
        if isTerminal {
            let width = 30
            let filled = progress.total > 0 ? width * progress.processed / progress.total : width
            print("\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + counts,
                  terminator: "")
            fflush(stdout)
        } else if Date().timeIntervalSince(lastLine) >= 5 || progress.processed == progress.total {
            lastLine = Date()
            print("ingest: " + counts)
        }
    }

    func finish() {
        if isTerminal { print() }
    }
}
