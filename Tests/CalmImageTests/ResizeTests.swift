import XCTest
@testable import CalmImage

final class ResizeTests: XCTestCase {
    /// (filter, PIL filter name, size, largest difference allowed against PIL's resize).
    /// PIL rounds the horizontal pass to 8 bits and uses fixed-point weights; we keep the
    /// intermediate in Float, hence a level of slack. Area is compared with PIL's BOX only at
    /// integer factors: elsewhere BOX takes whole pixels whose centres fall in the box while
    /// area weighs partly covered ones by their fraction (tested against an integral below).
    static let cases: [(ResizeFilter, String, Int, Int, Int)] = [
        (.area, "box", 32, 24, 1), (.area, "box", 16, 12, 1),
        (.bilinear, "bilinear", 32, 24, 1), (.bilinear, "bilinear", 16, 12, 1),
        (.bilinear, "bilinear", 20, 15, 1), (.bilinear, "bilinear", 37, 29, 1),
        (.bilinear, "bilinear", 100, 75, 1),
    ]

    func testMatchesPIL() throws {
        let photo = try Fixture.decode("photo.png")
        for (filter, pilName, width, height, tolerance) in Self.cases {
            let ours = photo.resized(width: width, height: height, filter: filter)
            let reference = try Fixture.decode("photo-\(pilName)-\(width)x\(height).pil.png")
            XCTAssertLessThanOrEqual(maxSampleDifference(ours, reference), tolerance, "\(filter) \(width)x\(height)")
        }
    }

    /// At non-integer scales area averaging is the exact mean over the covered area:
    /// checked against a float64 integral computed here, independently of the weight tables.
    func testAreaIsTheMeanOverTheCoveredArea() {
        let image = gradientImage(width: 23, height: 17)
        let (outWidth, outHeight) = (7, 5)
        let result = image.resized(width: outWidth, height: outHeight, filter: .area)
        let sx = 23.0 / Double(outWidth), sy = 17.0 / Double(outHeight)
        func overlap(_ a: Double, _ b: Double, _ j: Int) -> Double { max(0, min(b, Double(j + 1)) - max(a, Double(j))) }
        for oy in 0..<outHeight {
            for ox in 0..<outWidth {
                for c in 0..<3 {
                    var sum = 0.0
                    for y in 0..<17 {
                        for x in 0..<23 {
                            let weight = overlap(Double(ox) * sx, Double(ox + 1) * sx, x) * overlap(Double(oy) * sy, Double(oy + 1) * sy, y)
                            sum += weight * Double(image.pixels[(y * 23 + x) * 3 + c])
                        }
                    }
                    let expected = Int((sum / (sx * sy)).rounded())
                    XCTAssertLessThanOrEqual(abs(Int(result.pixels[(oy * outWidth + ox) * 3 + c]) - expected), 1)
                }
            }
        }
    }

    func testAreaByIntegerFactorsEqualsBlockMeans() {
        for (fx, fy) in [(2, 2), (3, 3), (4, 4), (2, 3), (5, 1)] {
            let (outWidth, outHeight) = (6, 4)
            let image = gradientImage(width: outWidth * fx, height: outHeight * fy)
            let result = image.resized(width: outWidth, height: outHeight, filter: .area)
            var expected = [UInt8]()
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    for c in 0..<3 {
                        var sum = 0
                        for y in oy * fy..<(oy + 1) * fy {
                            for x in ox * fx..<(ox + 1) * fx { sum += Int(image.pixels[(y * image.width + x) * 3 + c]) }
                        }
                        let n = fx * fy
                        expected.append(UInt8((2 * sum + n) / (2 * n)))  // round half up
                    }
                }
            }
            XCTAssertEqual(result.pixels, expected, "factor \(fx)x\(fy)")
        }
    }

    func testConstantImagesStayConstant() {
        let colour = RGBColor(red: 201, green: 3, blue: 77)
        let image = RGBImage(width: 13, height: 9, fill: colour)
        for filter in [ResizeFilter.area, .bilinear] {
            for (width, height) in [(1, 1), (5, 4), (13, 9), (29, 7), (40, 31)] {
                XCTAssertEqual(image.resized(width: width, height: height, filter: filter),
                               RGBImage(width: width, height: height, fill: colour), "\(filter) \(width)x\(height)")
            }
        }
    }

    func testSameSizeIsTheIdentity() {
        let image = gradientImage(width: 11, height: 6)
        XCTAssertEqual(image.resized(width: 11, height: 6, filter: .bilinear), image)
        XCTAssertEqual(image.resized(width: 11, height: 6, filter: .area), image)
    }

    func testShorterSideKeepsTheAspectRatio() {
        let wide = RGBImage(width: 640, height: 427, fill: .black).resized(shorterSide: 224)
        XCTAssertEqual([wide.width, wide.height], [335, 224])  // torchvision: int(224 * 640 / 427)
        let tall = RGBImage(width: 300, height: 500, fill: .black).resized(shorterSide: 128)
        XCTAssertEqual([tall.width, tall.height], [128, 213])
    }
}
