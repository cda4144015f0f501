import CalmImage
import Foundation

/// The bundled four-photo corpus (see Fixtures/README.md).
enum Fixture {
    static var corpus: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/corpus") }

    /// (path inside the corpus, decoded image) of every bundled photo, sorted by path, scaled
    /// to a long side of 96 px so that measuring them is quick in debug builds.
    static func photos() throws -> [(file: String, image: RGBImage)] {
        try ["mate/Dune.jpg", "plasma/BytheWater.jpg", "skimage/astronaut.jpg", "skimage/chelsea.jpg"].map {
            let image = try ImageDecoder.decode(contentsOf: corpus.appendingPathComponent($0).path)
            let scale = 96 / Double(max(image.width, image.height))
            return ($0, image.resized(width: Int(Double(image.width) * scale), height: Int(Double(image.height) * scale), filter: .area))
        }
    }
}
