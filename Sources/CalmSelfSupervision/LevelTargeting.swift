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
/// greyscale one not saturated; such photos get the nearest level within reach.
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

    /// An edited photo and the index of its level in `attribute.levels`.
    struct Probe {
        let image: RGBImage
        let level: Int
    }

    /// Prepares `photo` for targeting `attribute`; nil when the attribute has no edit family.
    public init?(_ attribute: Attribute, photo: RGBImage, longSide: Int = WorkingImage.defaultLongSide, seed: UInt64) {
        switch attribute {
        case .exposure: (edit, range) = ({ .exposure(ev: $0) }, -4...4)
        case .saturation: (edit, range) = ({ .saturation(factor: pow(2, $0)) }, -4...4)
        case .sharpness, .noise:
            // Blur alone only lowers both, noise alone only raises both (the Laplacian variance
            // grows with noise too): together they reach every level from the corpus photos.
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
    }

    /// The photo edited so that the attribute's level is `level` (an index into `attribute.levels`)
    /// or, when the edit range cannot reach it, the nearest level it can. If bisection misses, the
    /// result is the probe whose level came closest: a sample's label must be measured on the
    /// result either way.
    public func edited(toLevel level: Int) -> RGBImage {
        // The first probe is the photo itself: a photo already in the level stays as it is.
        let start = probe(0)
        guard start.level != level else { return start.image }
        // Then the end of the range towards the level, which bounds the levels within reach.
        let up = level > start.level
        let end = probe(up ? range.upperBound : range.lowerBound)
        let target = up ? min(level, end.level) : max(level, end.level)
        guard target != start.level else { return start.image }
        var (low, high) = up ? (0, range.upperBound) : (range.lowerBound, 0)
        var best = end
        for _ in 0..<Self.maxProbes {
            let t = (low + high) / 2
            let probe = probe(t)
            if probe.level == target { return probe.image }
            if abs(probe.level - target) < abs(best.level - target) { best = probe }
            if probe.level < target { low = t } else { high = t }
        }
        return best.image
    }

    /// The photo edited with strength `t` (t = 0: the photo itself, sparing an identity edit) and its level.
    private func probe(_ t: Double) -> Probe {
        let image = t == 0 ? photo : edit(t).applied(to: photo, seed: seed)
        let working = WorkingImage(image, longSide: longSide)
        return Probe(image: image, level: ImageAttributes.levelIndex(attribute, value: ImageAttributes.value(attribute, of: working)!, side: working.side))
    }
}
