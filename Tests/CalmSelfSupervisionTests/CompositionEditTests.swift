import CalmImage
import XCTest
@testable import CalmSelfSupervision

/// The composition edit families of `LevelTargeting`, on images whose result is known by
/// construction, and on real photos for the direction each moves its attribute.
final class CompositionEditTests: XCTestCase {
    func testMirrorBlendReachesPerfectSymmetryHalfway() {
        let image = Synthetic.texture(width: 128, height: 128)
        func symmetry(_ t: Double) -> Double {
            mirrorCorrelation(WorkingImage(image.blendedWithMirror(t)).luma.areaResized(width: SaliencyMap.size, height: SaliencyMap.size))
        }
        XCTAssertEqual(image.blendedWithMirror(0), image)
        XCTAssertEqual(symmetry(0.5), 1, accuracy: 1e-6)
        XCTAssertLessThan(symmetry(0), 0.2, "a random texture is not symmetric")
        XCTAssertTrue(symmetry(0) < symmetry(0.2) && symmetry(0.2) < symmetry(0.4), "symmetry rises with the blend")
    }

    /// A disc at the centre lands where `u + a·u·(1 − u) = 0.5`: u = 0.3615 for a = 0.6 (so the
    /// image turns left-heavy), 0.6385 for a = −0.6; the other axis stays centred.
    func testAxisWarpMovesACentredSubjectWhereTheMappingSays() {
        let disc = Synthetic.blob(atX: 0.5, y: 0.5, radius: 14, width: 192, height: 192)
        for (horizontally, strength, expected) in [(true, 0.6, 0.3615), (true, -0.6, 0.6385), (false, 0.6, 0.3615), (false, -0.6, 0.6385)] {
            let warped = WorkingImage(disc.axisWarped(horizontally: horizontally, strength: strength))
            let saliency = SaliencyMap(luma: warped.luma), m = MidLevelMeasurement(warped, saliency: saliency)
            let (along, across) = horizontally ? (m.subjectX, m.subjectY) : (m.subjectY, m.subjectX)
            XCTAssertEqual(along, expected, accuracy: 0.03, "\(horizontally ? "x" : "y") at strength \(strength)")
            XCTAssertEqual(across, 0.5, accuracy: 0.03)
            let balance = horizontally ? m.horizontalBalance : m.verticalBalance
            XCTAssertEqual(balance.sign, strength > 0 ? .minus : .plus, "weight moves to the near side for a positive strength")
            XCTAssertGreaterThan(abs(balance), 0.12, "out of the balanced level")
        }
        XCTAssertEqual(disc.axisWarped(horizontally: true, strength: 0), disc)
    }

    /// Where the subject weight is 1 the pixels stay, where it is 0 they are the blurred image's
    /// (and the other way round for a negative strength).
    func testRefocusingBlursExactlyTheOtherRegion() {
        let image = Synthetic.texture(width: 64, height: 64)
        let leftHalf = Plane(width: 2, height: 1, values: [1, 0])
        let blurred = ImageEdit.blur(sigma: 2).applied(to: image)
        for strength in [2.0, -2.0] {
            let refocused = image.refocused(subject: leftHalf, strength: strength)
            for y in 0..<64 {
                for x in 0..<64 {
                    let keep = (x < 32) == (strength > 0)
                    let i = (y * 64 + x) * 3
                    XCTAssertEqual(refocused.pixels[i], (keep ? image : blurred).pixels[i], "(\(x), \(y)) at strength \(strength)")
                }
            }
        }
    }

    /// On real photos: blurring the background gives a shallower depth of field, sharpening
    /// raises the clutter and blurring lowers it.
    func testFamiliesMoveTheirAttributeOnRealPhotos() throws {
        for (name, photo) in try Fixture.photos().map({ ($0.name, WorkingImage($0.image, longSide: 128).image) }) {
            func value(_ attribute: Attribute, _ image: RGBImage) -> Double {
                ImageAttributes.value(attribute, of: WorkingImage(image))!
            }
            let subject = SaliencyMap(luma: WorkingImage(photo).luma).map
            XCTAssertGreaterThan(value(.depthOfField, photo.refocused(subject: subject, strength: 3)), value(.depthOfField, photo), name)
            XCTAssertGreaterThan(value(.clutter, photo.unsharpMasked(amount: 2)), value(.clutter, photo), name)
            XCTAssertLessThan(value(.clutter, ImageEdit.blur(sigma: 2).applied(to: photo)), value(.clutter, photo), name)
        }
    }
}
