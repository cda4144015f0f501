import CalmImage
import XCTest
@testable import CalmSelfSupervision

final class ImageEditTests: XCTestCase {
    /// Each edit, the measurement it must move, and the direction (+1 up, −1 down).
    private static let directions: [(ImageEdit, KeyPath<LowLevelMeasurement, Double>, Double)] = [
        (.blur(sigma: 2), \.sharpness, -1),
        (.noise(sigma: 12), \.noise, 1),
        (.exposure(ev: 1), \.exposure, 1),
        (.exposure(ev: -1), \.exposure, -1),
        (.colourCast(.warm, strength: 0.2), \.temperature, -1),
        (.colourCast(.cool, strength: 0.2), \.temperature, 1),
        (.colourCast(.green, strength: 0.2), \.tint, 1),
        (.colourCast(.magenta, strength: 0.2), \.tint, -1),
        (.saturation(factor: 1.6), \.saturation, 1),
        (.saturation(factor: 0.5), \.colourfulness, -1),
    ]

    func testEachEditMovesItsAttributeOnRealPhotos() throws {
        // At 128 px to keep the debug-build test fast; the directions do not depend on size.
        for (name, photo) in try Fixture.photos().map({ ($0.name, WorkingImage($0.image, longSide: 128).image) }) {
            let before = LowLevelMeasurement(WorkingImage(photo))
            for (edit, attribute, direction) in ImageEditTests.directions {
                let after = LowLevelMeasurement(WorkingImage(edit.applied(to: photo, seed: 7)))
                // McCamy's CCT is clamped at 25000 K; an already extreme blue photo cannot read bluer.
                if attribute == \.temperature, direction > 0, before.temperature >= 25000 { continue }
                XCTAssertGreaterThan(direction * (after[keyPath: attribute] - before[keyPath: attribute]), 0,
                                     "\(name): \(edit) should move \(attribute) \(direction > 0 ? "up" : "down")")
            }
        }
    }

    func testTiltEditAddsItsAngleOnPhotosWithStrongLines() throws {
        // On photos whose edges agree on an orientation, the measured tilt shifts by the edit's angle.
        var tested: [String] = []
        for (name, photo) in try Fixture.photos() {
            let before = ImageAttributes(photo).middle
            guard before.lineCoherence > 0.4, abs(before.tilt) < 30 else { continue }
            let after = ImageAttributes(ImageEdit.tilt(degrees: 6).applied(to: photo)).middle
            XCTAssertEqual(after.tilt - before.tilt, 6, accuracy: 2, name)
            tested.append(name)
        }
        XCTAssertGreaterThanOrEqual(tested.count, 2, "photos with strong lines: \(tested)")
    }

    func testSubjectCropPutsTheSubjectOnTheCropEdge() throws {
        for (name, photo) in try Fixture.photos() {
            let centroid = SaliencyMap(luma: WorkingImage(photo).luma).centroid
            let rect = subjectCutRect(for: photo, fraction: 0.6)
            XCTAssertTrue(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= photo.width && rect.y + rect.height <= photo.height, name)
            XCTAssertEqual(rect.width, Int(Double(photo.width) * 0.6))
            // The subject sits on the window's edge, unless the window had to be shifted back into the
            // image: then by exactly that shift (the smaller of the two sides' overflows).
            let subjectX = Int(centroid.x * Double(photo.width))
            let shift = min(max(0, subjectX + rect.width - photo.width), max(0, rect.width - subjectX))
            let edgeDistance = min(abs(subjectX - rect.x), abs(subjectX - (rect.x + rect.width)))
            XCTAssertLessThanOrEqual(edgeDistance, shift, name)
            XCTAssertLessThan(Double(edgeDistance) / Double(rect.width), 0.25, "\(name): the cut must go through the subject")
            let cropped = ImageEdit.subjectCrop(fraction: 0.6).applied(to: photo)
            XCTAssertEqual([cropped.width, cropped.height], [photo.width, photo.height])
        }
    }

    func testEditsAreDeterministicAndKeepTheSize() {
        let image = Synthetic.texture(width: 48, height: 32)
        var rng = SeededRandom(seed: 11)
        for _ in 0..<20 {
            let edit = ImageEdit.random(using: &rng)
            let a = edit.applied(to: image, seed: 3), b = edit.applied(to: image, seed: 3)
            XCTAssertEqual(a, b, "\(edit)")
            XCTAssertEqual([a.width, a.height], [48, 32])
        }
        XCTAssertNotEqual(ImageEdit.noise(sigma: 10).applied(to: image, seed: 1), ImageEdit.noise(sigma: 10).applied(to: image, seed: 2))
    }

    func testExposureShiftIsExactInLinearLight() {
        // Mid-grey 118 is linear 0.1812; +1 EV doubles it to 0.3624, which encodes as 162 (162.2).
        let brighter = ImageEdit.exposure(ev: 1).applied(to: Synthetic.grey(118))
        XCTAssertEqual(brighter[0, 0].red, 162)
    }
}
