import CalmNN
import XCTest
@testable import CalmModels

final class ConfigTests: XCTestCase {
    /// The design's parameter counts (architecture.md §5), from built models.
    func testReferenceParameterCounts() {
        XCTAssertEqual(CalmModel(.tiny, initializer: .zeros).parameterCount, 11_924_736)
        XCTAssertEqual(CalmModel(.small, initializer: .zeros).parameterCount, 70_647_040)
    }
}

final class ConfigFileTests: XCTestCase {
    private func write(_ text: String, _ ext: String) throws -> String {
        let path = NSTemporaryDirectory() + "calm-config-\(getpid())-\(name.hashValue).\(ext)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testYAMLAndJSONFilesWithDefaults() throws {
        let yaml = try write("""
            vision: {imageSize: 128, patchSize: 16, width: 192, depth: 6, heads: 3, mlpHidden: 768, taps: [2, 4, 6]}
            mfam: {queries: 16, layers: 2, heads: 3, thematicGrid: 4}
            language: {vocabularySize: 4096, width: 256, depth: 4, heads: 4, mlpHidden: 688}
            """, "yaml")
        XCTAssertEqual(try CalmConfig.load(yaml), .tiny)
        var imported = CalmConfig.small
        (imported.vision.postNorm, imported.language.kvHeads, imported.language.tiedEmbeddings) = (true, 2, true)
        let json = try write(String(data: try JSONEncoder().encode(imported), encoding: .utf8)!, "json")
        XCTAssertEqual(try CalmConfig.load(json), imported)
        XCTAssertEqual(try CalmConfig.load("calm-small"), .small)
    }

    func testBadConfigurationsAreNamed() throws {
        var bad = CalmConfig.tiny
        bad.vision.taps = [4, 2, 6]
        let path = try write(String(data: try JSONEncoder().encode(bad), encoding: .utf8)!, "json")
        for (source, fragment) in [(path, "vision.taps [4, 2, 6]"), ("calm-huge", "neither a reference configuration"),
                                   (try write("vision: 3", "yaml"), "vision")] {
            XCTAssertThrowsError(try CalmConfig.load(source)) { XCTAssertTrue("\($0)".hasPrefix(source) && "\($0)".contains(fragment), "\($0)") }
        }
    }

    /// What `calm model info` prints.
    func testSummaryPrintsTheCounts() {
        let summary = CalmModel(.tiny, initializer: .zeros).summary
        XCTAssertTrue(summary.hasSuffix("parameters: 11,924,736"), summary)
        XCTAssertTrue(summary.contains("visual tokens per image: 64"))
        XCTAssertEqual([0, 999, 1000, 70_647_040].map(grouped), ["0", "999", "1,000", "70,647,040"])
    }

    /// Tied embeddings drop the output head; post-norm adds one LayerNorm; GQA shrinks k and v.
    func testOptionalPartsChangeTheCounts() {
        var config = CalmConfig.tiny
        (config.language.tiedEmbeddings, config.vision.postNorm, config.language.kvHeads) = (true, true, 2)
        let model = CalmModel(config, initializer: .zeros), names = Set(model.parameters().map(\.name))
        XCTAssertFalse(names.contains("llm.lm_head.weight"))
        XCTAssertTrue(names.contains("vision.post_norm.weight"))
        XCTAssertEqual(model.parameterCount, 11_924_736 - 4096 * 256 + 2 * 192 - 4 * 2 * 128 * 256)
    }
}

final class RegionQueriesTests: XCTestCase {
    /// Regional middle queries add no parameter; the recipes' config file turns them on; a query
    /// count that is no square is named.
    func testConfig() throws {
        var config = CalmConfig.tiny
        config.mfam.regionQueries = true
        XCTAssertEqual(CalmModel(config, initializer: .zeros).parameterCount, 11_924_736)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Recipes/configs/calm-tiny-regions.yaml")
        XCTAssertEqual(try CalmConfig.load(file.standardizedFileURL.path), config)
        config.mfam.queries = 12
        XCTAssertThrowsError(try config.validate(source: "regions.yaml")) {
            XCTAssertTrue("\($0)".hasPrefix("regions.yaml: mfam.regionQueries needs a square number of queries"), "\($0)")
        }
    }

    /// A 3×3 grid over 4×4 patches: the windows of adaptive average pooling (rows and columns
    /// 0..<2, 1..<3, 2..<4), so that neighbouring regions overlap; never the class token.
    func testRegionsAreThePoolingWindows() {
        let mask = regionMask(patchGrid: 4, grid: 3)
        XCTAssertEqual(mask.shape, [1, 1, 9, 17])
        let values = mask.toArray(UInt8.self)
        func seen(_ query: Int) -> [Int] { (0..<17).filter { values[query * 17 + $0] != 0 } }
        XCTAssertEqual(seen(0), [1, 2, 5, 6])
        XCTAssertEqual(seen(4), [6, 7, 10, 11])
        XCTAssertEqual(seen(8), [11, 12, 15, 16])
    }
}

final class SequenceErrorTests: XCTestCase {
    func testMalformedSamplesThrow() throws {
        let fixture = try MicroFixture(), images = fixture.tensors["images"]!
        let cases: [([MultimodalSample], String)] = [
            ([MultimodalSample(ids: [1, 59])], "1 <image> placeholder(s) but 2 image(s)"),
            ([MultimodalSample(ids: [1, 64, 59, 59])], "token id 64 outside the vocabulary of 64"),
            ([MultimodalSample(ids: [59, 59], lossMask: [true])], "sample 0: 2 ids but 1 loss-mask entries"),
        ]
        for (samples, message) in cases {
            XCTAssertThrowsError(try MultimodalBatch(samples: samples, images: images, tokenIds: fixture.tokenIds, config: fixture.config)) {
                XCTAssertTrue("\($0)".contains(message), "\($0)")
            }
        }
        XCTAssertThrowsError(try MultimodalBatch(samples: fixture.samples, images: images, tokenIds: fixture.tokenIds,
                                                 config: fixture.config, length: 20))
    }
}
