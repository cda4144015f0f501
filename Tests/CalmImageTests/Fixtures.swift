import Foundation
import XCTest
@testable import CalmImage

/// Paths of the files written by Scripts/fixtures/images.py.
enum Fixture {
    static func path(_ name: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/images/\(name)").path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static func decode(_ name: String) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: path(name))
    }
}

/// The largest per-sample difference between two images of the same size.
func maxSampleDifference(_ a: RGBImage, _ b: RGBImage, file: StaticString = #filePath, line: UInt = #line) -> Int {
    guard a.width == b.width, a.height == b.height else {
        XCTFail("sizes differ: \(a.width)x\(a.height) vs \(b.width)x\(b.height)", file: file, line: line)
        return .max
    }
    return zip(a.pixels, b.pixels).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
}

/// A seeded generator, so random crops are reproducible in tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A small image whose samples are all different functions of x, y and channel.
func gradientImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8]()
    for y in 0..<height {
        for x in 0..<width {
            pixels += [UInt8((x * 37 + y * 11) % 256), UInt8((x * 5 + y * 53) % 256), UInt8((x * y + 7) % 256)]
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}
