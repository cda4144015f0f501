import CalmData
import CalmImage
import Foundation

/// Images/s of the training input path: shards → decode → resize → random crop + flip → normalized
/// floats, through `ShardReader` with 1 and 2 worker threads. Photos come from `CALM_BENCH_PHOTOS`
/// (default /usr/share/wallpapers); at most `CALM_BENCH_IMAGES` (default 64) are ingested first.
let dataReaderBenchmark = Benchmark(name: "data") { benchmarkDataReader() }

func benchmarkDataReader() -> [BenchResult] {
    var results: [BenchResult] = []
    let environment = ProcessInfo.processInfo.environment
    let photos = environment["CALM_BENCH_PHOTOS"] ?? "/usr/share/wallpapers"
    let limit = environment["CALM_BENCH_IMAGES"].flatMap(Int.init) ?? 64
    guard FileManager.default.fileExists(atPath: photos) else {
        print("data reader: skipped, no photos at \(photos) (set CALM_BENCH_PHOTOS, or extract "
            + "`apt-get download plasma-workspace-wallpapers` with dpkg-deb -x)")
        return []
    }
    let work = NSTemporaryDirectory() + "calm-bench-data-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: work) }
    do {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let list = try ShardSources.list(photos).prefix(limit).map(\.path).joined(separator: "\n")
        try list.write(toFile: work + "/list.txt", atomically: true, encoding: .utf8)
        let started = Date()
        let report = try ShardIngest.run(IngestOptions(source: work + "/list.txt", output: work + "/shards", shardSize: 16, workers: 2))
        let ingestSeconds = Date().timeIntervalSince(started)
        print(String(format: "data ingest: %d images (%d skipped) in %.2f s, %.1f images/s with 2 threads",
                     report.images, report.skipped.count, ingestSeconds, Double(report.images) / ingestSeconds))

        let shards = try ShardSet(folder: work + "/shards")
        for workers in [1, 2] {
            let options = ShardReader<[Float]>.Options(batchSize: 8, seed: 1, shuffleBuffer: 32, workers: workers, epochs: 1)
            let reader = try ShardReader(shards: shards, options: options) { sample, random in
                var image = try sample.decodedImage().resized(shorterSide: 256).randomCropped(width: 224, height: 224, using: &random)
                if random.below(2) == 1 { image = image.flippedHorizontally() }
                return image.normalizedCHW()
            }
            let start = Date(), startCPU = processCPUSeconds()
            var count = 0
            while let batch = try reader.next() { count += batch.count }
            let seconds = Date().timeIntervalSince(start), cpu = processCPUSeconds() - startCPU
            // CPU time per image does not depend on what else the machine runs; wall-clock rate does.
            print(String(format: "data reader: %d images, decode+resize 256+crop 224+flip+normalize, %d worker%@: %.2f s, "
                         + "%.1f images/s, %.1f ms CPU per image", count, workers, workers == 1 ? "" : "s", seconds,
                         Double(count) / seconds, 1000 * cpu / Double(count)))
            results.append(BenchResult(name: "data reader (decode, resize, crop, flip, normalize)", threads: workers,
                                       size: "\(count) images", unit: "images/s", value: Double(count) / seconds))
        }
    } catch {
        print("data reader: failed: \(error)")
    }
    return results
}

/// User plus system CPU time of this process so far.
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
