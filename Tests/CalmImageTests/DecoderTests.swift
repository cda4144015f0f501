import XCTest
@testable import CalmImage

/// JPEG and WebP decoding against PIL's decodes (Scripts/fixtures/images.py).
final class DecoderTests: XCTestCase {
    /// (fixture, largest sample difference allowed against PIL's decode). PIL ships its own
    /// libjpeg-turbo and libwebp builds, so lossy formats get one level of slack (on
    /// Debian 12 they match exactly); lossless ones must match exactly.
    static let cases: [(String, Int)] = [
        ("baseline.jpg", 1), ("progressive.jpg", 1), ("grey.jpg", 1), ("cmyk.jpg", 1),
        ("lossy.webp", 1), ("lossless.webp", 0),
    ] + (1...8).map { ("orientation-\($0).jpg", 1) }

    func testDecodesMatchPIL() throws {
        for (name, tolerance) in Self.cases {
            let image = try Fixture.decode(name)
            let reference = try Fixture.decode(name.split(separator: ".")[0] + ".pil.png")
            XCTAssertLessThanOrEqual(maxSampleDifference(image, reference), tolerance, name)
        }
    }

    /// Lossless files, with and without (partly transparent) alpha, give the stored colours.
    func testLosslessFilesEqualTheSourcePattern() throws {
        let pattern = try Fixture.decode("pattern.png")
        for name in ["lossless.webp", "alpha.webp", "alpha.png"] {
            XCTAssertEqual(try Fixture.decode(name), pattern, name)
        }
    }

    /// The orientation fixtures hold identical pixels; only the EXIF tag differs, so each
    /// must come out as PIL's exif_transpose of it, and those differ from one another.
    func testExifOrientationsAreApplied() throws {
        let upright = try Fixture.decode("orientation-1.pil.png")
        XCTAssertEqual([upright.width, upright.height], [50, 34])
        var seen: [RGBImage] = []
        for tag in 1...8 {
            let image = try Fixture.decode("orientation-\(tag).jpg")
            XCTAssertEqual([image.width, image.height], tag >= 5 ? [34, 50] : [50, 34], "orientation \(tag)")
            XCTAssertFalse(seen.contains { $0.width == image.width && maxSampleDifference($0, image) < 50 },
                           "orientation \(tag) looks like an earlier one")
            seen.append(image)
        }
    }

    /// DCT-scaled decoding keeps the shorter side at least as long as asked, at the smallest
    /// of the scales 1, 1/2, 1/4, 1/8 (sides rounded up), and approximates block averaging.
    func testScaledJPEGDecoding() throws {
        let bytes = try Fixture.bytes("baseline.jpg")  // 50x34
        let full = try ImageDecoder.decode(bytes, name: "baseline.jpg")
        for (minimum, width, height, scale) in [(1, 7, 5, 8), (5, 7, 5, 8), (9, 13, 9, 4), (17, 25, 17, 2), (18, 50, 34, 1), (500, 50, 34, 1)] {
            let image = try ImageDecoder.decode(bytes, name: "baseline.jpg", minimumShorterSide: minimum)
            XCTAssertEqual([image.width, image.height], [width, height], "minimum \(minimum)")
            // Pixels whose scale × scale block lies wholly inside the image vs that block's mean.
            let (whole, wholeRows) = (full.width / scale, full.height / scale)
            let blockMeans = full.cropped(x: 0, y: 0, width: whole * scale, height: wholeRows * scale)
                .resized(width: whole, height: wholeRows, filter: .area)
            let inner = image.cropped(x: 0, y: 0, width: whole, height: wholeRows)
            let meanDifference = zip(inner.pixels, blockMeans.pixels).map { abs(Double($0) - Double($1)) }
                .reduce(0, +) / Double(inner.pixels.count)
            XCTAssertLessThan(meanDifference, 4, "minimum \(minimum)")
        }
        let orientedScaled = try ImageDecoder.decode(contentsOf: Fixture.path("orientation-6.jpg"), minimumShorterSide: 9)
        XCTAssertEqual([orientedScaled.width, orientedScaled.height], [9, 13])
    }

    func testOrientationRemapsCompose() {
        let image = gradientImage(width: 5, height: 3)
        // Turning clockwise (6) then counter-clockwise (8) is the identity; so is mirroring twice.
        XCTAssertEqual(image.oriented(exif: 6).oriented(exif: 8), image)
        XCTAssertEqual(image.flippedHorizontally().flippedHorizontally(), image)
        XCTAssertEqual(image.oriented(exif: 3), image.oriented(exif: 6).oriented(exif: 6))
        XCTAssertEqual(image.oriented(exif: 9), image)
        // Orientation 6: the stored left column becomes the displayed top row, bottom first.
        let turned = image.oriented(exif: 6)
        for x in 0..<3 { XCTAssertEqual(turned[x, 0], image[0, 2 - x]) }
        XCTAssertEqual(image.flippedHorizontally()[0, 1], image[4, 1])
    }

    /// Bad input must throw an error naming the file, never crash.
    func testBadInputIsRejectedWithTheNameInTheError() throws {
        let baseline = try Fixture.bytes("baseline.jpg")
        let webp = try Fixture.bytes("lossy.webp")
        let png = try Fixture.bytes("pattern.png")
        let cases: [(String, [UInt8])] = [
            ("truncated.jpg", try Fixture.bytes("truncated.jpg")),
            ("header-only.jpg", Array(baseline.prefix(200))),
            ("garbage.jpg", [0xFF, 0xD8, 0xFF, 0xE0] + (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7919) }),
            ("truncated.webp", Array(webp.prefix(webp.count / 2))),
            ("truncated.png", Array(png.prefix(png.count - 20))),
            ("empty.png", []),
            ("text.txt", Array("not an image".utf8)),
        ]
        for (name, bytes) in cases {
            XCTAssertThrowsError(try ImageDecoder.decode(bytes, name: name), name) { error in
                XCTAssertTrue(error is ImageDecodeError, name)
                XCTAssertTrue("\(error)".contains(name), "\(error)")
            }
        }
        XCTAssertThrowsError(try ImageDecoder.decode(contentsOf: "/nonexistent/photo.jpg")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/photo.jpg"), "\(error)")
        }
    }

    func testFormatSniffing() throws {
        XCTAssertEqual(ImageFormat(sniffing: try Fixture.bytes("pattern.png")), .png)
        XCTAssertEqual(ImageFormat(sniffing: try Fixture.bytes("grey.jpg")), .jpeg)
        XCTAssertEqual(ImageFormat(sniffing: try Fixture.bytes("lossy.webp")), .webp)
        XCTAssertNil(ImageFormat(sniffing: Array("RIFF0000WAVE".utf8)))
    }

    func testCodecVersionsAreReported() {
        XCTAssertTrue(ImageCodecs.pngVersion.hasPrefix("1.6"))
        XCTAssertFalse(ImageCodecs.webpVersion.hasPrefix("0.0"))
    }
}
