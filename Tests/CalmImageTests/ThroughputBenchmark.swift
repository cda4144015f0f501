import Foundation
import XCTest
@testable import CalmImage

/// Decode + preprocessing throughput on real photos, one thread, best of three passes;
/// images/s is counted in this thread's CPU time. Skipped unless
/// CALM_IMAGE_BENCH_DIR names a folder of JPEGs; run it in release mode (the test target
/// uses @testable imports, hence -enable-testing), e.g. on Debian's wallpaper photos:
///   apt-get download lomiri-wallpapers-16.04 && dpkg-deb -x lomiri-wallpapers-16.04_*.deb /tmp/walls
///   CALM_IMAGE_BENCH_DIR=/tmp/walls/usr/share/backgrounds \
///     swift test -c release -Xswiftc -enable-testing --filter ThroughputBenchmark
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
        // Each stage processes photo `i`; the resize-only stage starts from its decode.
        let stages: [(String, (Int) throws -> Int)] = [
            ("decode, full size", { try ImageDecoder.decode(photos[$0], name: "photo").width }),
            ("resize 224 + crop + normalize (already decoded)", { preprocess(decoded[$0]).count }),
            ("decode full + resize 224 + crop + normalize", {
                preprocess(try ImageDecoder.decode(photos[$0], name: "photo")).count }),
            ("decode DCT-scaled (shorter >= 224) + resize + crop + normalize", {
                preprocess(try ImageDecoder.decode(photos[$0], name: "photo", minimumShorterSide: 224)).count }),
        ]
        /// Wall-clock and this thread's CPU seconds: CPU time is the steadier figure on a
        /// machine shared with other jobs.
        func clocks() -> (wall: Double, cpu: Double) {
            var cpu = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
            return (Double(DispatchTime.now().uptimeNanoseconds) / 1e9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9)
        }
        for (label, stage) in stages {
            var best = (wall: Double.infinity, cpu: Double.infinity)  // best of three passes
            for _ in 0..<3 {
                let start = clocks()
                var checksum = 0
                for i in photos.indices { checksum &+= try stage(i) }
                let end = clocks()
                best = (min(best.wall, end.wall - start.wall), min(best.cpu, end.cpu - start.cpu))
                XCTAssertGreaterThan(checksum, 0)
            }
            let n = Double(photos.count)
            print(label.padding(toLength: 64, withPad: " ", startingAt: 0)
                + String(format: " %6.2f images/s (%6.1f ms wall, %6.1f ms CPU per image)", n / best.cpu, best.wall * 1000 / n, best.cpu * 1000 / n))
        }
    }
}
