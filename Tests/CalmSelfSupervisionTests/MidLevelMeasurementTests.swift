import CalmImage
import XCTest
@testable import CalmSelfSupervision

final class MidLevelMeasurementTests: XCTestCase {
    private func measure(_ image: RGBImage) -> MidLevelMeasurement {
        let working = WorkingImage(image)
        return MidLevelMeasurement(working, saliency: SaliencyMap(luma: working.luma))
    }

    func testHorizonTiltIsMeasuredWithinOneDegree() {
        for degrees in [-12.0, -5, -1.5, 0, 2, 7, 20] {
            let m = measure(Synthetic.horizon(degrees: degrees))
            XCTAssertEqual(m.tilt, degrees, accuracy: 1, "horizon at \(degrees)°")
            XCTAssertGreaterThan(m.lineCoherence, 0.8)
        }
    }

    func testTiltEditRotatesCounterClockwiseByItsAngle() {
        // A level horizon rotated by the edit reads back as the edit's angle.
        for degrees in [-6.0, 4] {
            let m = measure(ImageEdit.tilt(degrees: degrees).applied(to: Synthetic.horizon(degrees: 0)))
            XCTAssertEqual(m.tilt, degrees, accuracy: 1, "tilt edit \(degrees)°")
        }
    }

    func testBlobOnAPowerPointIsOnTheThirds() {
        let thirds: [Double] = [1.0 / 3, 2.0 / 3]
        for fx in thirds {
          for fy in thirds {
            let m = measure(Synthetic.blob(atX: fx, y: fy))
            XCTAssertLessThan(m.thirdsDistance, 0.04, "blob at (\(fx), \(fy)): subject (\(m.subjectX), \(m.subjectY))")
            XCTAssertEqual(ImageAttributes(Synthetic.blob(atX: fx, y: fy)).level(.placement), "on a third")
          }
        }
        let centred = measure(Synthetic.blob(atX: 0.5, y: 0.5))
        XCTAssertLessThan(centred.centreDistance, 0.03)
        XCTAssertEqual(ImageAttributes(Synthetic.blob(atX: 0.5, y: 0.5)).level(.placement), "centred")
    }

    func testBalanceFollowsTheSubject() {
        let left = measure(Synthetic.blob(atX: 0.2, y: 0.5)), right = measure(Synthetic.blob(atX: 0.8, y: 0.5))
        XCTAssertLessThan(left.horizontalBalance, -0.2)
        XCTAssertGreaterThan(right.horizontalBalance, 0.2)
        XCTAssertEqual(left.verticalBalance, 0, accuracy: 0.05)
        let top = measure(Synthetic.blob(atX: 0.5, y: 0.2)), bottom = measure(Synthetic.blob(atX: 0.5, y: 0.8))
        XCTAssertLessThan(top.verticalBalance, -0.2)
        XCTAssertGreaterThan(bottom.verticalBalance, 0.2)
    }

    func testSymmetry() {
        let mirrored = Synthetic.plane(width: 128, height: 96) { x, y in 128 + 100 * sin(abs(x - 64) / 7) * cos(y / 9) }
        XCTAssertGreaterThan(measure(mirrored).symmetry, 0.95)
        let ramp = Synthetic.plane(width: 128, height: 96) { x, _ in 2 * x }
        XCTAssertLessThan(measure(ramp).symmetry, -0.9, "a left-right ramp is anti-symmetric")
        XCTAssertEqual(measure(Synthetic.grey(100)).symmetry, 1)
    }

    func testDepthOfFieldIsPositiveForASharpSubjectOnASoftBackground() {
        // Texture everywhere; blur all of it except a disc at the centre, which the saliency finds.
        let sharp = Synthetic.texture(width: 160, height: 120, seed: 3)
        let soft = ImageEdit.blur(sigma: 3).applied(to: sharp)
        var pixels = soft.pixels
        for y in 0..<120 {
            for x in 0..<160 where hypot(Double(x) - 80, Double(y) - 60) < 25 {
                for c in 0..<3 { pixels[(y * 160 + x) * 3 + c] = sharp.pixels[(y * 160 + x) * 3 + c] }
            }
        }
        let shallow = measure(RGBImage(width: 160, height: 120, pixels: pixels))
        XCTAssertGreaterThan(shallow.depthOfField, 1.5)
        XCTAssertEqual(measure(sharp).depthOfField, 0, accuracy: 0.5, "uniform sharpness")
    }

    func testClutterIsEdgeDensity() {
        XCTAssertEqual(measure(Synthetic.grey(120)).clutter, 0)
        XCTAssertGreaterThan(measure(Synthetic.texture()).clutter, 0.8)
        // One vertical step: only the two columns beside it are edges.
        let step = measure(Synthetic.plane(width: 100, height: 40) { x, _ in x < 50 ? 40 : 200 })
        XCTAssertEqual(step.clutter, 0.02, accuracy: 1e-9)
    }

    func testFeaturelessImageHasUniformSaliency() {
        let map = SaliencyMap(luma: WorkingImage(Synthetic.grey(77)).luma)
        XCTAssertTrue(map.map.values.allSatisfy { $0 == 1 })
        XCTAssertEqual(map.centroid.x, 0.5)
    }
}

final class SaliencyReferenceTests: XCTestCase {
    /// The spectral residual map of the square photo against numpy/scipy
    /// (Scripts/fixtures/attributes_reference.py).
    func testSpectralResidualMatchesNumpy() throws {
        let expected = try Fixture.reference()["saliencyAstronaut"] as! [Double]
        let photo = try Fixture.photos().first { $0.name == "skimage-astronaut.jpg" }!.image
        let map = SaliencyMap(luma: WorkingImage(photo).luma).map
        XCTAssertEqual(map.values.count, expected.count)
        let worst = zip(map.values, expected).map { abs(Double($0) - $1) }.max()!
        XCTAssertLessThan(worst, 1e-4)
    }
}
