import CalmImage
import Foundation

/// Level-targeted augmentation: edits a photo so that one attribute's measured level becomes a
/// chosen one. On natural photos each attribute's levels are skewed and tied to content, so a
/// model can guess them from the text prior; targeting makes the level independent of the photo.
///
/// Each targetable attribute has an edit family with one strength `t` (t = 0 leaves the photo as
/// it is) along which the attribute's value rises monotonically. A level is reached by bisection
/// over `t`, measuring only that attribute (`ImageAttributes.value(_:of:)`). The family's range
/// bounds the levels a photo can reach: a photo without dominant lines cannot be tilted, a
/// greyscale one not saturated.
public struct LevelTargeting: Sendable {
    /// The attributes with an edit family.
    public static let attributes: [Attribute] = [.exposure, .saturation, .sharpness, .noise, .temperature, .tint, .tilt]
    /// Bisection probes before giving up on a level (the levels span wide strength intervals;
    /// on the corpus photos a reachable level is hit within a few probes).
    static let maxProbes = 8

    public let attribute: Attribute
    /// The photo at the working resolution, as samples show it.
    let photo: RGBImage
    let longSide: Int
    /// Drives the noise edit; fixed over the bisection so that the value stays monotone in `t`.
    let seed: UInt64
    let edit: @Sendable (Double) -> ImageEdit
    let range: ClosedRange<Double>
    /// The photo edited at the two ends of `range`, with their levels.
    let ends: (low: Probe, high: Probe)

    /// An edited photo and the index of its level in `attribute.levels`.
    struct Probe: Sendable {
        let image: RGBImage
        let level: Int
    }

    /// Prepares `photo` for targeting `attribute` (nil when the attribute has no edit family):
    /// measures the two ends of the edit range, which give the reachable levels.
    public init?(_ attribute: Attribute, photo: RGBImage, longSide: Int = WorkingImage.defaultLongSide, seed: UInt64) {
        switch attribute {
        case .exposure: (edit, range) = ({ .exposure(ev: $0) }, -4...4)
        case .saturation: (edit, range) = ({ .saturation(factor: pow(2, $0)) }, -4...4)
        case .sharpness, .noise:
            // Blur alone only lowers both, noise alone only raises both (the Laplacian variance
            // grows with noise too): together they reach every level from most photos.
            (edit, range) = ({ $0 < 0 ? .blur(sigma: -$0) : .noise(sigma: $0) }, -6...30)
        case .temperature: (edit, range) = ({ .colourCast($0 < 0 ? .warm : .cool, strength: abs($0)) }, -0.9...0.9)
        case .tint: (edit, range) = ({ .colourCast($0 < 0 ? .magenta : .green, strength: abs($0)) }, -0.9...0.9)
        case .tilt:
            // The value is a magnitude: rotate in the photo's own tilt direction, so that t > 0
            // tilts it further and t down to minus its tilt levels it.
            let (degrees, coherence) = horizonTilt(WorkingImage(photo, longSide: longSide).luma)
            let direction: Double = degrees < 0 ? -1 : 1
            (edit, range) = ({ .tilt(degrees: direction * $0) }, -tiltMagnitude(degrees: degrees, coherence: coherence)...20)
        default: return nil
        }
        self.attribute = attribute
        self.photo = photo
        self.longSide = longSide
        self.seed = seed
        ends = (Self.probe(attribute, edit(range.lowerBound), photo, longSide, seed),
                Self.probe(attribute, edit(range.upperBound), photo, longSide, seed))
    }

    /// Level indices the photo can be edited into: those between the levels at the range's ends.
    public var reachable: ClosedRange<Int> { min(ends.low.level, ends.high.level)...max(ends.low.level, ends.high.level) }

    /// The photo edited so that the attribute's level is `level` (an index into `attribute.levels`).
    /// When the level is out of reach, or bisection misses it, the result is the probe whose level
    /// came closest: a sample's label must be measured on the result either way.
    public func edited(toLevel level: Int) -> RGBImage {
        var best = abs(ends.low.level - level) <= abs(ends.high.level - level) ? ends.low : ends.high
        guard reachable.contains(level) else { return best.image }
        // The symmetric families probe t = 0 (the unedited photo) first.
        var low = range.lowerBound, high = range.upperBound
        for _ in 0..<Self.maxProbes {
            let t = (low + high) / 2
            let probe = Self.probe(attribute, edit(t), photo, longSide, seed)
            if probe.level == level { return probe.image }
            if abs(probe.level - level) < abs(best.level - level) { best = probe }
            if probe.level < level { low = t } else { high = t }
        }
        return best.image
    }

    private static func probe(_ attribute: Attribute, _ edit: ImageEdit, _ photo: RGBImage, _ longSide: Int, _ seed: UInt64) -> Probe {
        let image = edit.applied(to: photo, seed: seed)
        let value = ImageAttributes.value(attribute, of: WorkingImage(image, longSide: longSide))!
        return Probe(image: image, level: ImageAttributes.levelIndex(attribute, value: value))
    }
}
