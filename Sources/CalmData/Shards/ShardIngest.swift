import Foundation

/// What `calm ingest` is asked to do.
public struct IngestOptions: Sendable {
    /// A folder of images (recursive) or a list file.
    public var source: String
    /// The shard folder; created when missing, resumed when it holds an unfinished ingest.
    public var output: String
    /// Images per shard; a shard is held in memory while it fills.
    public var shardSize: Int
    /// Store S×S pixels instead of the encoded files.
    public var fixedSize: Int?
    /// A labels CSV; images without a row are skipped.
    public var labelsPath: String?
    /// Threads decoding (validating) images.
    public var workers: Int

    public init(source: String, output: String, shardSize: Int = 256, fixedSize: Int? = nil, labelsPath: String? = nil, workers: Int = 2) {
        self.source = source
        self.output = output
        self.shardSize = shardSize
        self.fixedSize = fixedSize
        self.labelsPath = labelsPath
        self.workers = workers
    }
}

/// An image left out of the shards, and why.
public struct SkippedImage: Codable, Equatable, Sendable {
    public var path: String
    public var reason: String
    /// Its index in the source list (ingest resumes from a source index).
    public var sourceIndex: Int
}

/// `ingest-report.json`: the outcome of an ingest, rewritten after every shard.
public struct IngestReport: Codable, Equatable, Sendable {
    public var source: String
    public var images: Int
    public var shards: Int
    /// Shards found complete from an earlier, interrupted run and kept.
    public var resumedShards: Int
    public var skipped: [SkippedImage]
}

/// Where a running ingest is, for progress display.
public struct IngestProgress: Sendable {
    /// Source files looked at so far (this run and the resumed part), of `total`.
    public var processed: Int
    public var total: Int
    public var images: Int
    public var skipped: Int
    /// Source files looked at by this run, and its elapsed time.
    public var processedThisRun: Int
    public var seconds: Double

    /// Source files per second in this run.
    public var rate: Double { seconds > 0 ? Double(processedThisRun) / seconds : 0 }
}

/// Turns a folder or list of images into shards: every image is validated by decoding, unreadable
/// ones are skipped and reported, each shard is written atomically and committed to the manifest,
/// and a rerun on the same output resumes after the last committed shard.
public enum ShardIngest {
    /// Candidate files decoded per round; bounds memory and the progress interval.
    static let roundSize = 64

    public static func run(_ options: IngestOptions, progress: (IngestProgress) -> Void = { _ in }) throws -> IngestReport {
        guard options.shardSize > 0, options.workers > 0, (options.fixedSize ?? 1) > 0 else {
            throw ShardError(options.output, "shard size, workers and fixed size must be positive")
        }
        let started = Date()
        let sources = try ShardSources.list(options.source)
        let labels = try options.labelsPath.map(ShardLabelTable.init(contentsOf:))
        let layout: ShardLayout = options.fixedSize.map { .fixed(size: $0) } ?? .encoded
        try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
        removeLeftoverTemporaries(in: options.output)

        var manifest = ShardManifest(source: options.source, layout: layout, shardSize: options.shardSize,
                                     sourceCount: sources.count, labelNames: labels?.columnNames ?? [])
        var report = IngestReport(source: options.source, images: 0, shards: 0, resumedShards: 0, skipped: [])
        var cursor = 0
        if let previous = try resumableState(options.output, expecting: manifest) {
            (manifest, report, cursor) = previous
        }

        var pending: [ShardSample] = []
        let resumedAt = cursor
        func reportProgress() {
            progress(IngestProgress(processed: cursor, total: sources.count, images: manifest.imageCount + pending.count,
                                    skipped: report.skipped.count, processedThisRun: cursor - resumedAt,
                                    seconds: Date().timeIntervalSince(started)))
        }
        func commit() throws {
            let file = ShardFormat.fileName(forShard: manifest.shards.count)
            let digest = try ShardWriter.write(pending, layout: layout, source: options.source, to: options.output + "/" + file)
            manifest.shards.append(.init(file: file, count: pending.count, sha256: digest, sourceEnd: cursor))
            pending.removeAll()
            try save(manifest, &report, to: options.output)
        }

        while cursor < sources.count {
            let round = cursor ..< min(sources.count, cursor + min(roundSize, options.shardSize - pending.count))
            let prepared = prepareInParallel(Array(sources[round]), layout: layout, labels: labels, workers: options.workers)
            for (index, outcome) in zip(round, prepared) {
                switch outcome {
                case .success(let sample): pending.append(sample)
                case .failure(let error): report.skipped.append(SkippedImage(path: sources[index].path, reason: "\(error)", sourceIndex: index))
                }
            }
            cursor = round.upperBound
            if pending.count == options.shardSize { try commit() }
            reportProgress()
        }
        if !pending.isEmpty { try commit() }
        manifest.complete = true
        try save(manifest, &report, to: options.output)
        return report
    }

    /// Reads and prepares each source on `workers` threads; outcomes in source order.
    private static func prepareInParallel(_ sources: [ShardSource], layout: ShardLayout, labels: ShardLabelTable?,
                                          workers: Int) -> [Result<ShardSample, Error>] {
        var outcomes = [Result<ShardSample, Error>](repeating: .failure(ShardError("", "not processed")), count: sources.count)
        outcomes.withUnsafeMutableBufferPointer { slots in
            let slots = slots  // each index is written by exactly one thread
            DispatchQueue.concurrentPerform(iterations: min(workers, sources.count)) { worker in
                for index in stride(from: worker, to: sources.count, by: workers) {
                    slots[index] = Result { try prepare(sources[index], layout: layout, labels: labels) }
                }
            }
        }
        return outcomes
    }

    private static func prepare(_ source: ShardSource, layout: ShardLayout, labels: ShardLabelTable?) throws -> ShardSample {
        var label: [Float]?
        if let labels {
            guard let found = labels.labels(for: source) else { throw ShardError(labels.path, "no label for '\(source.id)'") }
            label = found
        }
        guard let data = FileManager.default.contents(atPath: source.path) else { throw ShardError(source.path, "cannot read file") }
        return ShardSample(id: source.id, image: try layout.prepare([UInt8](data), name: source.id), label: label)
    }

    /// The manifest, report and source cursor of an earlier run into `output`, keeping only the
    /// shards whose files still match their checksums; nil when there is nothing to resume.
    private static func resumableState(_ output: String, expecting fresh: ShardManifest) throws
        -> (ShardManifest, IngestReport, Int)? {
        guard FileManager.default.fileExists(atPath: output + "/" + ShardFormat.manifestName) else { return nil }
        var manifest = try ShardManifest.load(from: output)
        let settings = { (m: ShardManifest) in "\(m.source) | \(m.layout) | shard size \(m.shardSize) | \(m.sourceCount) files | labels \(m.labelNames)" }
        guard settings(manifest) == settings(fresh) else {
            throw ShardError(output, "holds an ingest with other settings (\(settings(manifest))); "
                + "this run has (\(settings(fresh))): choose another output folder or remove it")
        }
        let reportPath = output + "/" + ShardFormat.reportName
        guard let data = FileManager.default.contents(atPath: reportPath),
              var report = try? JSONDecoder().decode(IngestReport.self, from: data) else {
            throw ShardError(reportPath, "missing or malformed: cannot resume the ingest; remove the output folder to start over")
        }
        var kept = 0
        for shard in manifest.shards {
            guard (try? SHA256.hexDigest(ofFile: output + "/" + shard.file)) == shard.sha256 else { break }
            kept += 1
        }
        if kept < manifest.shards.count { manifest.complete = false }
        manifest.shards.removeLast(manifest.shards.count - kept)
        let cursor = manifest.complete ? fresh.sourceCount : manifest.shards.last?.sourceEnd ?? 0
        report.skipped.removeAll { $0.sourceIndex >= cursor }
        report.resumedShards = kept
        return (manifest, report, cursor)
    }

    /// Commits progress: the report first, then the manifest (the manifest is what a resume trusts).
    private static func save(_ manifest: ShardManifest, _ report: inout IngestReport, to output: String) throws {
        report.images = manifest.imageCount
        report.shards = manifest.shards.count
        try writeJSON(report, to: output + "/" + ShardFormat.reportName)
        try manifest.save(to: output)
    }

    /// Temporary files of an interrupted run (another process id) are never renamed into place.
    private static func removeLeftoverTemporaries(in output: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
        for name in names where name.contains(".tmp-") { try? FileManager.default.removeItem(atPath: output + "/" + name) }
    }
}
