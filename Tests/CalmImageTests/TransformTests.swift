import XCTest
@testable import CalmImage

final class TransformTests: XCTestCase {
    let image = gradientImage(width: 7, height: 5)
    let fill = RGBColor(red: 9, green: 8, blue: 7)

    /// (x, y, width, height) windows inside, across and outside the 7x5 image.
    static let windows: [(Int, Int, Int, Int)] = [
        (0, 0, 7, 5), (2, 1, 3, 3), (-2, -1, 4, 4), (5, 3, 4, 4), (-1, -1, 9, 7), (10, 0, 2, 2), (0, 0, 0, 3),
    ]

    func testCropCopiesInsideAndFillsOutside() {
        for (x, y, width, height) in Self.windows {
            let crop = image.cropped(x: x, y: y, width: width, height: height, fill: fill)
            XCTAssertEqual([crop.width, crop.height], [width, height])
            for cy in 0..<height {
                for cx in 0..<width {
                    let (sx, sy) = (cx + x, cy + y)
                    let inside = (0..<image.width).contains(sx) && (0..<image.height).contains(sy)
                    XCTAssertEqual(crop[cx, cy], inside ? image[sx, sy] : fill, "window \((x, y, width, height)) at \((cx, cy))")
                }
            }
        }
    }

    func testCenterCropAndPadding() {
        XCTAssertEqual(image.centerCropped(width: 3, height: 3), image.cropped(x: 2, y: 1, width: 3, height: 3))
        XCTAssertEqual(image.centerCropped(width: 4, height: 2), image.cropped(x: 1, y: 1, width: 4, height: 2))
        // A window larger than the image pads it evenly (the odd pixel on the right/bottom).
        XCTAssertEqual(image.centerCropped(width: 10, height: 8, fill: fill),
                       image.cropped(x: -1, y: -1, width: 10, height: 8, fill: fill))
        let square = image.paddedToSquare(fill: fill)
        XCTAssertEqual(square, image.cropped(x: 0, y: -1, width: 7, height: 7, fill: fill))
        XCTAssertEqual(square[0, 0], fill)
        XCTAssertEqual(square[0, 1], image[0, 0])
        XCTAssertEqual(square[6, 6], fill)
        let narrow = gradientImage(width: 2, height: 5)
        let padded = narrow.paddedToSquare(fill: fill)
        XCTAssertEqual([padded.width, padded.height], [5, 5])
        XCTAssertEqual((0..<5).map { padded[$0, 4] }, [fill, narrow[0, 4], narrow[1, 4], fill, fill])
    }

    func testRandomCropIsReproducibleAndCoversAllOffsets() {
        var first = SeededGenerator(state: 42), second = SeededGenerator(state: 42)
        var offsets = Set<[Int]>()
        for _ in 0..<200 {
            let crop = image.randomCropped(width: 4, height: 3, using: &first)
            XCTAssertEqual(crop, image.randomCropped(width: 4, height: 3, using: &second))
            let matches = (0...3).flatMap { x in (0...2).map { y in [x, y] } }
                .filter { image.cropped(x: $0[0], y: $0[1], width: 4, height: 3) == crop }
            XCTAssertEqual(matches.count, 1)
            offsets.formUnion(matches)
        }
        XCTAssertEqual(offsets.count, 12)  // every (x, y) in 0...3 × 0...2 was drawn
        var generator = SeededGenerator(state: 1)
        XCTAssertEqual(image.randomCropped(width: 9, height: 5, fill: fill, using: &generator),
                       image.centerCropped(width: 9, height: 5, fill: fill))
    }

    func testFlipMirrorsColumns() {
        let flipped = image.flippedHorizontally()
        for y in 0..<image.height {
            for x in 0..<image.width { XCTAssertEqual(flipped[x, y], image[image.width - 1 - x, y]) }
        }
    }

    func testNormalizedCHWMatchesTheFormula() {
        let values = image.normalizedCHW()
        let mean = [0.48145466, 0.4578275, 0.40821073], std = [0.26862954, 0.26130258, 0.27577711]
        XCTAssertEqual(values.count, 3 * 7 * 5)
        for c in 0..<3 {
            for y in 0..<5 {
                for x in 0..<7 {
                    let expected = (Double(image.pixels[(y * 7 + x) * 3 + c]) / 255 - mean[c]) / std[c]
                    XCTAssertEqual(Double(values[c * 35 + y * 7 + x]), expected, accuracy: 1e-5)
                }
            }
        }
    }

    func testFloatHWC() {
        let samples = RGBImage(width: 2, height: 1, pixels: [0, 10, 128, 200, 255, 11])
        // sRGB decoding of 10/255 is on the linear segment; 128/255 and 200/255 on the power curve.
        let linear: [Double] = [0, 10 / 255 / 12.92, 0.2158605, 0.5775804, 1, 0.0033465]
        for (value, expected) in zip(samples.floatHWC(.linear), linear) {
            XCTAssertEqual(Double(value), expected, accuracy: 1e-6)
        }
        XCTAssertEqual(samples.floatHWC(.encoded), samples.pixels.map { Float($0) / 255 })
    }
}
