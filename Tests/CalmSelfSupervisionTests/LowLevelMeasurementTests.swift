import CalmImage
import XCTest
@testable import CalmSelfSupervision

final class LowLevelMeasurementTests: XCTestCase {
    func testFlatGreyHasItsLuminanceAndNoStructure() {
        for level: UInt8 in [40, 128, 200] {
            let m = LowLevelMeasurement(WorkingImage(Synthetic.grey(level)))
            XCTAssertEqual(m.exposure, Double(level) / 255, accuracy: 1e-6)
            XCTAssertEqual(m.contrast, 0, accuracy: 1e-6)
            XCTAssertEqual(m.sharpness, 0, accuracy: 1e-6)
            XCTAssertEqual(m.noise, 0, accuracy: 1e-6)
            XCTAssertEqual(m.highlightClipping, 0)
            XCTAssertEqual(m.shadowClipping, 0)
            XCTAssertEqual(m.saturation, 0)
            XCTAssertEqual(m.colourfulness, 0, accuracy: 1e-9)
            XCTAssertEqual(m.tint, 0, accuracy: 1e-9)
            // Neutral grey is the D65 white point, 6504 K.
            XCTAssertEqual(m.temperature, 6504, accuracy: 10)
        }
    }

    func testClippingCountsPureBlackAndWhite() {
        // Left half black, right half white: half the pixels clip each way; contrast is 0.5.
        let image = Synthetic.plane(width: 64, height: 32) { x, _ in x < 32 ? 0 : 255 }
        let m = LowLevelMeasurement(WorkingImage(image))
        XCTAssertEqual(m.highlightClipping, 0.5, accuracy: 1e-9)
        XCTAssertEqual(m.shadowClipping, 0.5, accuracy: 1e-9)
        XCTAssertEqual(m.contrast, 0.5, accuracy: 1e-6)
        XCTAssertEqual(m.exposure, 0.5, accuracy: 1e-6)
    }

    func testStepEdgeLaplacianVariance() {
        // A vertical step of height 100 grey levels: the Laplacian is ±100 on the two columns beside
        // the step and 0 elsewhere, so over (w−2) interior columns its variance is 2·100²/(w−2) − mean².
        let width = 34, height = 20
        let m = LowLevelMeasurement(WorkingImage(Synthetic.plane(width: width, height: height) { x, _ in x < 17 ? 50 : 150 }))
        let columns = Double(width - 2)
        XCTAssertEqual(m.sharpness, 2 * 100 * 100 / columns, accuracy: 0.5)
        XCTAssertEqual(m.contrast, 50.0 / 255, accuracy: 1e-4)
    }

    func testSharpnessDropsMonotonicallyWithBlurSigma() {
        let texture = Synthetic.texture(width: 64, height: 48)
        let values = [0.0, 0.7, 1.2, 2, 3.5].map { sigma in
            LowLevelMeasurement(WorkingImage(sigma == 0 ? texture : ImageEdit.blur(sigma: sigma).applied(to: texture))).sharpness
        }
        for (a, b) in zip(values, values.dropFirst()) { XCTAssertLessThan(b, a, "\(values)") }
    }

    func testNoiseEstimatorRecoversKnownSigma() {
        // Grey noise (the same draw in all three channels) on mid-grey: the luma noise equals sigma.
        for sigma in [3.0, 8.0, 15.0] {
            var rng = SeededRandom(seed: UInt64(sigma))
            let image = Synthetic.plane(width: 200, height: 150) { _, _ in 128 + sigma * rng.nextGaussian() }
            let estimate = LowLevelMeasurement(WorkingImage(image)).noise
            XCTAssertEqual(estimate, sigma, accuracy: 0.15 * sigma, "sigma \(sigma)")
        }
    }

    func testColourCastsMoveTemperatureAndTint() {
        let grey = Synthetic.grey(128)
        let base = LowLevelMeasurement(WorkingImage(grey))
        let cases: [(ColourCast, temperature: Double, tint: Double)] = [(.warm, -1, 0), (.cool, 1, 0), (.green, 0, 1), (.magenta, 0, -1)]
        for (cast, temperatureSign, tintSign) in cases {
            let m = LowLevelMeasurement(WorkingImage(ImageEdit.colourCast(cast, strength: 0.2).applied(to: grey)))
            if temperatureSign != 0 {
                XCTAssertEqual((m.temperature - base.temperature).sign, temperatureSign < 0 ? .minus : .plus, "\(cast)")
                XCTAssertGreaterThan(abs(m.temperature - base.temperature), 500, "\(cast)")
            }
            if tintSign != 0 {
                XCTAssertEqual((m.tint - base.tint).sign, tintSign < 0 ? .minus : .plus, "\(cast)")
                XCTAssertGreaterThan(abs(m.tint - base.tint), 0.02, "\(cast)")
            }
        }
    }

    /// The low-level attributes of the photos against numpy/scipy (Scripts/fixtures/attributes_reference.py).
    func testPhotosMatchNumpyReference() throws {
        let reference = try Fixture.reference()["photos"] as! [String: [String: Double]]
        let photos = try Fixture.photos()
        XCTAssertEqual(Set(photos.map(\.name)), Set(reference.keys))
        for (name, image) in photos {
            let m = LowLevelMeasurement(WorkingImage(image))
            let expected = reference[name]!
            let measured: [String: Double] = [
                "exposure": m.exposure, "highlights": m.highlightClipping, "shadows": m.shadowClipping, "contrast": m.contrast,
                "saturation": m.saturation, "colourfulness": m.colourfulness, "sharpness": m.sharpness, "noise": m.noise,
                "temperature": m.temperature, "tint": m.tint,
            ]
            for (key, value) in measured {
                // Both decode with libjpeg-turbo; sums in Float planes allow ~1e-4 relative error.
                XCTAssertEqual(value, expected[key]!, accuracy: 1e-4 * max(1, abs(expected[key]!)), "\(name) \(key)")
            }
        }
    }

    func testGridCellsCoverTheImage() {
        // Top third white, rest black: the top cells are exposure 1, the others 0.
        let image = Synthetic.plane(width: 90, height: 60) { _, y in y < 20 ? 255 : 0 }
        let profile = LowLevelProfile(WorkingImage(image))
        XCTAssertEqual(profile.cells.count, 9)
        XCTAssertEqual(profile.cells.map(\.exposure), [1, 1, 1, 0, 0, 0, 0, 0, 0].map(Double.init))
        XCTAssertEqual(profile.global.exposure, 1.0 / 3, accuracy: 1e-6)
    }

    func testBrightestRegionNamesTheBrightCell() {
        let corner = Synthetic.plane(width: 90, height: 60) { x, y in x >= 60 && y >= 40 ? 230 : 60 }
        XCTAssertEqual(ImageAttributes(corner).level(.brightestRegion), "bottom right")
        XCTAssertEqual(ImageAttributes(corner).exposureSpread, 170.0 / 255, accuracy: 1e-6)
        XCTAssertEqual(ImageAttributes(Synthetic.grey(128)).level(.brightestRegion), "even")
    }

    func testSeededRandomIsSplitMix64() {
        // Reference outputs of SplitMix64 for seed 0 (Vigna's splitmix64.c).
        var rng = SeededRandom(seed: 0)
        XCTAssertEqual([rng.next(), rng.next()], [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4])
        var a = SeededRandom(imageID: "photo-1", epoch: 2), b = SeededRandom(imageID: "photo-1", epoch: 2)
        var c = SeededRandom(imageID: "photo-1", epoch: 3)
        let first = a.next()
        XCTAssertEqual(first, b.next())
        XCTAssertNotEqual(first, c.next())
    }

    func testWorkingImageBoundsTheLongSide() {
        let working = WorkingImage(Synthetic.grey(90, width: 1024, height: 300))
        XCTAssertEqual(working.width, 256)
        XCTAssertEqual(working.height, 75)
        XCTAssertEqual(WorkingImage(Synthetic.grey(90, width: 100, height: 50)).width, 100, "never upscales")
    }

    /// Sharpness and noise bounds follow the measured resolution: the calibrated anchors at 128
    /// and 256 px, monotone in between, and on the corpus photos each level keeps its share when
    /// the same squares are measured at 128 px instead of 256 px.
    func testResolutionCalibratedLevelsKeepTheirShares() throws {
        for (attribute, anchors) in ImageAttributes.resolutionCalibrated {
            XCTAssertEqual(ImageAttributes.levelBounds(attribute, side: 128), anchors.at128)
            for (a, b) in zip(ImageAttributes.levelBounds(attribute, side: 256), anchors.at256) { XCTAssertEqual(a, b, accuracy: 1e-9 * b) }
            let middle = ImageAttributes.levelBounds(attribute, side: 181)
            for i in middle.indices { XCTAssertTrue((min(anchors.at128[i], anchors.at256[i])...max(anchors.at128[i], anchors.at256[i])).contains(middle[i])) }
        }
        // Sharpness and noise of the corpus photos' squares at both sides (Scripts/corpus/calibrate_levels.py).
        let data = try Data(contentsOf: Fixture.directory.appendingPathComponent("level_calibration.json"))
        let fixture = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        for attribute in ImageAttributes.resolutionCalibrated.keys {
            let values = fixture[attribute.rawValue] as! [String: [Double]]
            func shares(_ values: [Double], boundsAt side: Int) -> [Double] {
                let levels = values.map { ImageAttributes.levelIndex(attribute, value: $0, side: side) }
                return attribute.levels.indices.map { level in Double(levels.filter { $0 == level }.count) / Double(levels.count) }
            }
            // Total variation distance from the level shares at 256 px.
            let reference = shares(values["at256"]!, boundsAt: 256)
            func shift(_ shares: [Double]) -> Double { zip(shares, reference).map { abs($0 - $1) }.reduce(0, +) / 2 }
            let calibrated = shift(shares(values["at128"]!, boundsAt: 128))
            let uncalibrated = shift(shares(values["at128"]!, boundsAt: 256))
            XCTAssertLessThan(calibrated, 0.03, "\(attribute)")
            XCTAssertGreaterThan(uncalibrated, 0.1, "\(attribute): the values do depend on the side")
        }
    }

    func testFFTMatchesNumpy() throws {
        let fft2 = try Fixture.reference()["fft2"] as! [String: [Double]]
        var re = fft2["re"]!, im = fft2["im"]!
        fft2D(&re, &im, size: 8)
        for i in 0..<64 {
            XCTAssertEqual(re[i], fft2["spectrumRe"]![i], accuracy: 1e-9)
            XCTAssertEqual(im[i], fft2["spectrumIm"]![i], accuracy: 1e-9)
        }
        fft2D(&re, &im, size: 8, inverse: true)
        for i in 0..<64 { XCTAssertEqual(re[i], fft2["re"]![i], accuracy: 1e-9) }
    }
}
