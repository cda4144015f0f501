import CalmTestSupport
import CalmImage
import XCTest
@testable import CalmData
@testable import CalmHDF5

final class ShardIngestTests: XCTestCase {
    var folder = ""
    var source: String { folder + "/photos" }
    var output: String { folder + "/shards" }
    /// The readable images of the source folder, by id, in ingest order.
    let readable = ["a.png", "d.jpg", "e.webp", "nested/b.png", "nested/deeper/c.png"]

    override func setUpWithError() throws {
        folder = try makeShardTestFolder()
        try FileManager.default.createDirectory(atPath: source + "/nested/deeper", withIntermediateDirectories: true)
        func pattern(_ width: Int, _ height: Int, _ seed: Int) -> RGBImage {
            RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { UInt8(truncatingIfNeeded: $0 * seed + 17) })
        }
        try PNGWriter.write(pattern(20, 12, 3), to: source + "/a.png")
        try PNGWriter.write(pattern(9, 14, 5), to: source + "/nested/b.png")
        try PNGWriter.write(pattern(16, 16, 7), to: source + "/nested/deeper/c.png")
        let fixtures = try XCTUnwrap(Bundle.module.resourcePath) + "/Fixtures/images/"
        try FileManager.default.copyItem(atPath: fixtures + "gradient.jpg", toPath: source + "/d.jpg")
        try FileManager.default.copyItem(atPath: fixtures + "mirrored.webp", toPath: source + "/e.webp")
        try Data("this is not a jpeg".utf8).write(to: URL(fileURLWithPath: source + "/broken.jpg"))
        let png = try Data(contentsOf: URL(fileURLWithPath: source + "/a.png"))
        try png.prefix(png.count / 2).write(to: URL(fileURLWithPath: source + "/nested/truncated.png"))
        try Data("not an image, not listed".utf8).write(to: URL(fileURLWithPath: source + "/notes.txt"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(atPath: folder) }

    func testIngestWritesShardsManifestAndReport() throws {
        var updates: [IngestProgress] = []
        let report = try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 2)) { updates.append($0) }

        XCTAssertEqual(report.images, 5)
        XCTAssertEqual(report.shards, 3)
        XCTAssertEqual(report.skipped.map(\.path), [source + "/broken.jpg", source + "/nested/truncated.png"])
        XCTAssertTrue(report.skipped.allSatisfy { $0.reason.contains("cannot decode") }, "\(report.skipped)")
        XCTAssertEqual(updates.last?.processed, 7)
        XCTAssertEqual(updates.last?.total, 7)

        let shards = try ShardSet(folder: output)
        XCTAssertTrue(shards.manifest.complete)
        XCTAssertEqual(shards.manifest.shards.map(\.file), ["shard-000000.h5", "shard-000001.h5", "shard-000002.h5"])
        XCTAssertEqual(shards.counts, [2, 2, 1])
        XCTAssertNoThrow(try shards.verifyChecksums())
        let file = try HDF5File.open(shards.path(ofShard: 1))
        XCTAssertEqual(try file.attribute("schema_version"), .int(Int64(ShardFormat.schemaVersion)))
        XCTAssertEqual(try file.attribute("source"), .string(source))
        XCTAssertEqual(try file.attribute("count"), .int(2))

        let samples = try (0..<3).flatMap { shard in try (0..<shards.counts[shard]).map { try shards.sample(shard: shard, row: $0) } }
        XCTAssertEqual(samples.map(\.id), readable)
        for sample in samples {
            guard case .encoded(let bytes) = sample.image else { return XCTFail("\(sample.id) is not stored encoded") }
            XCTAssertEqual(Data(bytes), try Data(contentsOf: URL(fileURLWithPath: source + "/" + sample.id)), sample.id)
            XCTAssertNil(sample.label)
        }
    }

    func testFixedSizeShardsHoldCroppedPixelsAndLabels() throws {
        let labels = folder + "/labels.csv"
        // Keys by id or by file name; c.png has no row and is skipped.
        try "file,score,votes\na.png,6.5,10\nnested/b.png,3,2\n\nd.jpg,7.25,1\ne.webp,1,0\n".write(toFile: labels, atomically: true, encoding: .utf8)
        let report = try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 8, fixedSize: 8, labelsPath: labels))

        XCTAssertEqual(report.skipped.map { ($0.path as NSString).lastPathComponent }, ["broken.jpg", "c.png", "truncated.png"])
        XCTAssertTrue(report.skipped[1].reason.contains("no label for 'nested/deeper/c.png'"))
        let shards = try ShardSet(folder: output)
        XCTAssertEqual(shards.manifest.labelNames, ["score", "votes"])
        XCTAssertEqual(try HDF5File.open(shards.path(ofShard: 0)).datasetInfo("images").shape, [4, 8, 8, 3])
        let expectedLabels: [String: [Float]] = ["a.png": [6.5, 10], "nested/b.png": [3, 2], "d.jpg": [7.25, 1], "e.webp": [1, 0]]
        for row in 0..<4 {
            let sample = try shards.sample(shard: 0, row: row)
            XCTAssertEqual(sample.label, expectedLabels[sample.id])
            let original = try ImageDecoder.decode(contentsOf: source + "/" + sample.id)
            XCTAssertEqual(try sample.decodedImage(), original.resized(shorterSide: 8).centerCropped(width: 8, height: 8), sample.id)
        }
    }

    func testInterruptedIngestResumesAtFirstIncompleteShard() throws {
        let complete = try ShardIngest.run(IngestOptions(source: source, output: folder + "/reference", shardSize: 2))
        let reference = try ShardManifest.load(from: folder + "/reference")

        _ = try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 2))
        // Make it look interrupted while writing shard 2: shard 1 damaged, a temporary file left behind.
        var manifest = try ShardManifest.load(from: output)
        manifest.complete = false
        try manifest.save(to: output)
        try Data("half a shard".utf8).write(to: URL(fileURLWithPath: output + "/shard-000001.h5"))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: output + "/shard-000002.h5.tmp-99999"))
        let inode = { (name: String) in try FileManager.default.attributesOfItem(atPath: self.output + "/" + name)[.systemFileNumber] as? Int }
        let firstShard = try inode("shard-000000.h5")

        let resumed = try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 2))
        XCTAssertEqual(resumed.resumedShards, 1)
        XCTAssertEqual(try inode("shard-000000.h5"), firstShard, "the complete shard is kept, not rewritten")
        XCTAssertEqual(try ShardManifest.load(from: output), reference)
        XCTAssertEqual(resumed.skipped, complete.skipped)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: output).contains { $0.contains(".tmp-") })

        XCTAssertThrowsError(try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 3))) {
            XCTAssertTrue("\($0)".contains("other settings"), "\($0)")
        }
    }

    func testListFileEntriesAreRelativeToTheList() throws {
        let list = source + "/list.txt"
        try "# chosen photos\nd.jpg\n\n\(source)/nested/b.png\nmissing.png\n".write(toFile: list, atomically: true, encoding: .utf8)
        let report = try ShardIngest.run(IngestOptions(source: list, output: output))
        XCTAssertEqual(report.images, 2)
        XCTAssertEqual(report.skipped.map(\.path), [source + "/missing.png"])
        XCTAssertTrue(report.skipped[0].reason.contains("cannot read file"))
        let shards = try ShardSet(folder: output)
        XCTAssertEqual(try (0..<2).map { try shards.sample(shard: 0, row: $0).id }, ["d.jpg", source + "/nested/b.png"])
    }

    func testIngestCommandReportsAndResumes() throws {
        guard let first = try runCalm(["ingest", source, "--output", output, "--shard-size", "2"]) else {
            throw XCTSkip("calm is not built next to the tests; run `swift build` first")
        }
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertTrue(first.output.contains("ingest: 5 images in 3 shards, 2 skipped -> \(output)"), first.output)
        XCTAssertTrue(first.output.contains("skipped \(source)/broken.jpg: cannot decode"), first.output)
        let again = try XCTUnwrap(runCalm(["ingest", source, "--output", output, "--shard-size", "2"]))
        XCTAssertTrue(again.output.contains("(3 kept from an earlier run)"), again.output)
        let missing = try XCTUnwrap(runCalm(["ingest", folder + "/none", "--output", output]))
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("\(folder)/none: no such file or folder"), missing.output)
    }

    func testMalformedLabelFilesNameTheLine() throws {
        let cases: [(String, String)] = [
            ("a.png,1\nb.png,x\n", ":2: a value is not a number"),
            ("id,score\na.png,1\na.png,2\n", ":3: duplicate key 'a.png'"),
            ("a.png,1,2\nb.png,3\n", ":2: 1 values, expected 2"),
            ("a.png\n", ":1: expected a key and at least one value"),
            ("\n\n", "no labels in file"),
        ]
        for (text, message) in cases {
            let path = folder + "/labels.csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ShardLabelTable(contentsOf: path), text) { XCTAssertTrue("\($0)".hasSuffix(message), "\($0)") }
        }
    }

    /// Keys may be quoted, so file names with commas can carry labels.
    func testQuotedLabelKeysAreRead() throws {
        let path = folder + "/labels.csv"
        try "id,score\n\"dune, evening.png\",7.5\nplain.png,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let table = try ShardLabelTable(contentsOf: path)
        XCTAssertEqual(table.labels(for: ShardSource(path: "/photos/dune, evening.png", id: "dune, evening.png")), [7.5])
        XCTAssertEqual(table.labels(for: ShardSource(path: "/photos/plain.png", id: "x")), [3])
        XCTAssertEqual(table.columnNames, ["score"])
    }

    func testReaderAugmentsRealImagesIndependentlyOfWorkers() throws {
        _ = try ShardIngest.run(IngestOptions(source: source, output: output, shardSize: 2))
        let shards = try ShardSet(folder: output)
        func pixels(workers: Int) throws -> [[UInt8]] {
            let options = ShardReader<RGBImage>.Options(batchSize: 3, seed: 5, shuffleBuffer: 3, workers: workers)
            let reader = try ShardReader(shards: shards, options: options) { sample, random in
                let image = try sample.decodedImage().resized(shorterSide: 10)
                let crop = image.randomCropped(width: 8, height: 8, using: &random)
                return random.below(2) == 0 ? crop : crop.flippedHorizontally()
            }
            return try (0..<5).flatMap { _ in try XCTUnwrap(reader.next()).map(\.pixels) }
        }
        let serial = try pixels(workers: 1)
        XCTAssertEqual(serial.count, 15)
        XCTAssertEqual(serial, try pixels(workers: 2))
    }
}
