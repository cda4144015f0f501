import XCTest
@testable import CalmImage

/// Randomly damaged files must decode or throw, never crash or hang the process.
final class CorruptionTests: XCTestCase {
    func testDamagedFilesNeverCrash() throws {
        var generator = SeededGenerator(state: 2024)
        for name in ["baseline.jpg", "progressive.jpg", "cmyk.jpg", "orientation-6.jpg", "pattern.png", "photo.png",
                     "lossy.webp", "lossless.webp"] {
            let original = try Fixture.bytes(name)
            var rejected = 0
            for trial in 0..<60 {
                var bytes = original
                if trial % 3 == 0 {
                    bytes.removeLast(Int.random(in: 1..<bytes.count - 4, using: &generator))
                } else {
                    for _ in 0..<Int.random(in: 1...8, using: &generator) {
                        // Past the magic bytes, so that the codec itself meets the damage.
                        bytes[Int.random(in: 4..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                    }
                }
                do {
                    let image = try ImageDecoder.decode(bytes, name: name)
                    XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                } catch let error as ImageDecodeError {
                    XCTAssertTrue(error.description.contains(name))
                    rejected += 1
                }
            }
            XCTAssertGreaterThanOrEqual(rejected, 20, "\(name): every truncation should be rejected")
        }
    }
}
