import CalmData
import CalmSelfSupervision
import Foundation

/// A synthetic rater: a deterministic taste over measured attributes plus rating noise. It is
/// an honest stand-in for a human rater (none can be downloaded here), not a human: its
/// preferences are exactly the documented weights, so a model can only learn them from pixels.
public struct SimulatedRater: Sendable {
    public let name: String
    /// The taste in words, for the README and the benchmark manifest.
    public let taste: String
    /// Weights on z-scored attribute values (z-scored over the images being rated).
    public let weights: [(attribute: Attribute, weight: Double)]
    /// Standard deviation of the Gaussian noise added before rounding, in rating points.
    public let noise: Double

    public init(name: String, taste: String, weights: [(attribute: Attribute, weight: Double)], noise: Double = 0.5) {
        self.name = name
        self.taste = taste
        self.weights = weights
        self.noise = noise
    }

    /// Five raters with distinct tastes. Attribute values rise with the level order of
    /// `Attribute.levels` (temperature: warm is low; depth of field: shallow is high).
    public static let panel: [SimulatedRater] = [
        SimulatedRater(name: "vivid", taste: "bright, saturated, colourful photos",
                       weights: [(.saturation, 1), (.colourfulness, 1), (.exposure, 0.5)]),
        SimulatedRater(name: "calm", taste: "quiet photos: low contrast, muted colour, little clutter",
                       weights: [(.contrast, -1), (.saturation, -0.7), (.clutter, -0.7)]),
        SimulatedRater(name: "crisp", taste: "sharp, contrasty, clean photos",
                       weights: [(.sharpness, 1), (.contrast, 0.7), (.noise, -0.7)]),
        SimulatedRater(name: "warm", taste: "warm tones and a shallow depth of field",
                       weights: [(.temperature, -1), (.depthOfField, 0.7)]),
        SimulatedRater(name: "classic", taste: "subjects on a third, symmetry, level horizons",
                       weights: [(.placement, -1), (.symmetry, 0.5), (.tilt, -0.7)]),
    ]

    /// Ratings 1–5 of every image: `round(3 + 1.2·t + noise·g)`, clipped, where `t` is the
    /// weighted sum of z-scores divided by the weights' norm, and `g` a standard normal seeded
    /// by the rater's name and the image id (so a rating never depends on the other raters).
    public func ratings(of images: [(id: String, attributes: ImageAttributes)]) throws -> [Rating] {
        guard images.count >= 2 else { throw TaskError("rater \(name): needs at least two images to z-score, got \(images.count)") }
        let norm = sqrt(weights.reduce(0) { $0 + $1.weight * $1.weight })
        var taste = [Double](repeating: 0, count: images.count)
        for (attribute, weight) in weights {
            let values = try images.map { image -> Double in
                guard let value = image.attributes.value(attribute), value.isFinite else {
                    throw TaskError("rater \(name): image '\(image.id)' has no finite \(attribute.rawValue) value")
                }
                return value
            }
            let mean = values.reduce(0, +) / Double(values.count)
            let spread = sqrt(values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
            for i in values.indices where spread > 0 {
                taste[i] += weight / norm * (values[i] - mean) / spread
            }
        }
        return images.indices.map { i in
            var random = SeededRandom(seed: stableHash(name + "/" + images[i].id))
            let raw = 3 + 1.2 * taste[i] + noise * random.nextGaussian()
            return Rating(user: name, image: images[i].id, score: min(max(raw.rounded(), 1), 5))
        }
    }
}

/// FNV-1a: a hash that does not change between processes (Swift's `Hasher` does).
func stableHash(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
}
