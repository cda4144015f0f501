import CalmImage
import CalmSelfSupervision
import XCTest
@testable import CalmTasks

final class CorrectionTests: XCTestCase {
    /// The attribute each degradation moves, read from the self-supervision measurements.
    /// The largest fraction of the damage the inverse may leave: clipping loses information
    /// (over-saturation), smoothing removes detail with the noise, and blur removes detail that
    /// sharpening cannot bring back: it can only move the sharpness the right way.
    static let measuredBy: [(Degradation.Kind, left: Double, (ImageAttributes) -> Double)] = [
        (.underexposed, 0.5, { $0.low.global.exposure }),
        (.overexposed, 0.5, { $0.low.global.exposure }),
        (.lowContrast, 0.5, { $0.low.global.contrast }),
        (.desaturated, 0.5, { $0.low.global.saturation }),
        (.oversaturated, 0.7, { $0.low.global.saturation }),
        (.warmCast, 0.5, { $0.low.global.temperature }),
        (.coolCast, 0.5, { $0.low.global.temperature }),
        (.noisy, 0.7, { $0.low.global.noise }),
        (.blurred, 1, { $0.low.global.sharpness }),
    ]

    /// Degrading moves the attribute away from the original; the named inverse brings it back
    /// (at least halfway where the edit can be inverted), on every bundled photo.
    func testInverseUndoesEachDegradation() throws {
        for (file, photo) in try Fixture.photos() {
            let original = ImageAttributes(photo)
            for (kind, left, measure) in Self.measuredBy {
                let degradation = Degradation(kind, strength: 0.7)
                let degraded = degradation.applied(to: photo, seed: 1)
                let repaired = degradation.inverse.applied(to: degraded)
                let before = abs(measure(ImageAttributes(degraded)) - measure(original))
                let after = abs(measure(ImageAttributes(repaired)) - measure(original))
                XCTAssertLessThan(after, left * before, "\(file) \(kind.rawValue): \(before) → \(after)")
            }
        }
    }

    /// Tilt: the straightening rotation cancels the tilt exactly on a synthetic horizon.
    func testStraightenCancelsTilt() {
        var pixels = [UInt8](repeating: 0, count: 200 * 150 * 3)
        for y in 0..<150 { for x in 0..<200 { for c in 0..<3 { pixels[(y * 200 + x) * 3 + c] = y < 75 ? 200 : 60 } } }
        let level = RGBImage(width: 200, height: 150, pixels: pixels)
        let degradation = Degradation(.tilted, strength: 0.5)
        let tilted = degradation.applied(to: level, seed: 0)
        let tiltBefore = ImageAttributes(tilted).middle.tilt, tiltAfter = ImageAttributes(degradation.inverse.applied(to: tilted)).middle.tilt
        XCTAssertGreaterThan(abs(tiltBefore), 4)
        XCTAssertLessThan(abs(tiltAfter), 1)
    }

    /// Crop to thirds moves the subject nearer to a power point (a dark disc near the centre).
    func testCropToThirdsMovesSubjectTowardsAThird() {
        var pixels = [UInt8](repeating: 170, count: 192 * 192 * 3)
        for y in 0..<192 { for x in 0..<192 where hypot(Double(x) - 86, Double(y) - 90) < 14 {
            for c in 0..<3 { pixels[(y * 192 + x) * 3 + c] = 30 }
        } }
        let image = RGBImage(width: 192, height: 192, pixels: pixels)
        let before = ImageAttributes(image).middle.thirdsDistance
        let after = ImageAttributes(Correction(.cropToThirds, amount: 0).applied(to: image)).middle.thirdsDistance
        XCTAssertLessThan(after, before - 0.05)
    }

    func testEditsKeepTheSize() throws {
        let photo = try Fixture.photos()[0].image
        for kind in CorrectionKind.allCases {
            let edited = Correction(kind, amount: kind.typicalAmount).applied(to: photo)
            XCTAssertEqual([edited.width, edited.height], [photo.width, photo.height], kind.rawValue)
            XCTAssertNotEqual(edited, photo, kind.rawValue)
        }
    }
}
