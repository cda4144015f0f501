import CalmImage
import Foundation
@testable import CalmSelfSupervision

/// The bundled sample photos (see Fixtures/photos/attribution.csv) and reference values.
enum Fixture {
    static var directory: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }

    /// (file name, decoded image) of every bundled photo, sorted by name.
    static func photos() throws -> [(name: String, image: RGBImage)] {
        let folder = directory.appendingPathComponent("photos")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }.sorted()
        return try names.map { ($0, try ImageDecoder.decode(contentsOf: folder.appendingPathComponent($0).path)) }
    }

    /// (relative path, decoded image) of the 48 photos of the repository's corpus, `Datasets/photos`.
    static func corpusPhotos() throws -> [(name: String, image: RGBImage)] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Datasets/photos").standardized
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }.sorted()
        return try names.map { ($0, try ImageDecoder.decode(contentsOf: folder.appendingPathComponent($0).path)) }
    }

    /// Fixtures/attributes_reference.json, written by Scripts/fixtures/attributes_reference.py.
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("attributes_reference.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// Synthetic images whose attributes are known by construction.
enum Synthetic {
    static func grey(_ level: UInt8, width: Int = 96, height: Int = 64) -> RGBImage {
        RGBImage(width: width, height: height, fill: RGBColor(red: level, green: level, blue: level))
    }

    /// A grey image from a per-pixel function of (x, y) returning a value in [0, 255].
    static func plane(width: Int, height: Int, _ value: (Double, Double) -> Double) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let v = UInt8(min(max(value(Double(x) + 0.5, Double(y) + 0.5).rounded(), 0), 255))
                for c in 0..<3 { pixels[(y * width + x) * 3 + c] = v }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Bright sky over dark ground, the boundary through the centre rising to the right by
    /// `degrees`, antialiased by the pixel's signed distance to the line.
    static func horizon(degrees: Double, width: Int = 200, height: Int = 150) -> RGBImage {
        let a = degrees * Double.pi / 180
        return plane(width: width, height: height) { x, y in
            // Signed distance above the line (y points down, so "above" is smaller y).
            let distance = (Double(height) / 2 - y) * cos(a) - (x - Double(width) / 2) * sin(a)
            return 60 + 140 * min(max(distance + 0.5, 0), 1)
        }
    }

    /// A dark disc of `radius` px centred at fractions (fx, fy) of a mid-grey image.
    static func blob(atX fx: Double, y fy: Double, radius: Double = 14, width: Int = 192, height: Int = 192) -> RGBImage {
        plane(width: width, height: height) { x, y in
            hypot(x - fx * Double(width), y - fy * Double(height)) < radius ? 30 : 170
        }
    }

    /// Deterministic pseudo-random texture in [0, 255] (a sharp, detailed image).
    static func texture(width: Int = 128, height: Int = 96, seed: UInt64 = 1) -> RGBImage {
        var rng = SeededRandom(seed: seed)
        return plane(width: width, height: height) { _, _ in Double.random(in: 0...255, using: &rng) }
    }
}
