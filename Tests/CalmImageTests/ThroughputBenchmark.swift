import Foundation
import XCTest
@testable import CalmImage

/// Decode + preprocessing throughput on real photos, one thread, best of three passes. Skipped unless
/// CALM_IMAGE_BENCH_DIR names a folder of JPEGs; run it in release mode:
///   CALM_IMAGE_BENCH_DIR=/path/to/jpegs swift test -c release --filter ThroughputBenchmark
final class ThroughputBenchmark: XCTestCase {
    func testDecodeAndResizeThroughput() throws {
        guard let folder = ProcessInfo.processInfo.environment["CALM_IMAGE_BENCH_DIR"] else {
            throw XCTSkip("set CALM_IMAGE_BENCH_DIR to a folder of JPEGs to run the benchmark")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }.sorted()
        let photos = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))) }
        XCTAssertFalse(photos.isEmpty, "no JPEGs in \(folder)")
        let megapixels = try photos.map { photo -> Double in
            let image = try ImageDecoder.decode(photo, name: "photo", minimumShorterSide: 1)
            return Double(image.width * image.height * 64) / 1e6  // 1/8 scale: ×64 for the full size
        }.reduce(0, +)
        print(String(format: "%d JPEGs, about %.0f megapixels in all", photos.count, megapixels))

        /// The CLIP preprocessing of a decoded image: shorter side to 224, centre 224², normalize.
        func preprocess(_ image: RGBImage) -> [Float] {
            image.resized(shorterSide: 224, filter: .bilinear).centerCropped(width: 224, height: 224).normalizedCHW()
        }
        let decoded = try photos.map { try ImageDecoder.decode($0, name: "photo") }
        var next = 0  // the resize-only stage walks through the pre-decoded photos
        let stages: [(String, ([UInt8]) throws -> Int)] = [
            ("decode, full size", { bytes in try ImageDecoder.decode(bytes, name: "photo").width }),
            ("resize 224 + crop + normalize (already decoded)", { _ in
                next += 1
                return preprocess(decoded[(next - 1) % decoded.count]).count }),
            ("decode full + resize 224 + crop + normalize", { bytes in
                preprocess(try ImageDecoder.decode(bytes, name: "photo")).count }),
            ("decode DCT-scaled (shorter >= 224) + resize + crop + normalize", { bytes in
                preprocess(try ImageDecoder.decode(bytes, name: "photo", minimumShorterSide: 224)).count }),
        ]
        for (label, stage) in stages {
            var seconds = Double.infinity  // the best of three passes: the machine is shared
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                var checksum = 0
                for photo in photos { checksum &+= try stage(photo) }
                seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                XCTAssertGreaterThan(checksum, 0)
            }
            print(label.padding(toLength: 64, withPad: " ", startingAt: 0) + String(format: " %7.2f images/s  %7.1f ms/image",
                         Double(photos.count) / seconds, seconds * 1000 / Double(photos.count)))
        }
    }
}
