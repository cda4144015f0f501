import CalmImage
import CalmSelfSupervision
import Foundation

/// The edits a suggestion may name, each with a signed amount in its own unit.
public enum CorrectionKind: String, CaseIterable, Sendable {
    /// Stops of exposure: positive brightens.
    case exposure
    /// Contrast steps: the tones spread by `2^amount` around the mean luma.
    case contrast
    /// Saturation steps: chroma scaled by `2^amount` around the luma.
    case saturation
    /// Colour temperature: linear-light red/blue gains `1 ± amount`; positive warms.
    case temperature
    /// Degrees of counter-clockwise rotation (negative turns clockwise), cropped to fill.
    case straighten
    /// A crop to 80 % of each side that puts the subject on the nearest third (no amount).
    case cropToThirds = "crop to thirds"
    /// Gaussian smoothing of `amount` pixels standard deviation at the working resolution.
    case reduceNoise = "reduce noise"
    /// Unsharp mask of strength `amount` (radius 1 px at the working resolution).
    case sharpen

    /// The amount a suggestion implies when it names no number ("brighten the photo").
    var typicalAmount: Double {
        switch self {
        case .exposure: return 1
        case .contrast, .saturation: return 0.5
        case .temperature: return 0.15
        case .straighten: return 5
        case .cropToThirds: return 0
        case .reduceNoise: return 1
        case .sharpen: return 1
        }
    }

    /// Whether the amount carries a direction (brighten vs darken); the others only grow.
    var isSigned: Bool {
        switch self {
        case .exposure, .contrast, .saturation, .temperature, .straighten: return true
        case .cropToThirds, .reduceNoise, .sharpen: return false
        }
    }
}

/// One concrete edit: a kind and a signed amount (see `CorrectionKind` for units).
public struct Correction: Equatable, Sendable {
    public let kind: CorrectionKind
    public let amount: Double

    public init(_ kind: CorrectionKind, amount: Double) {
        self.kind = kind
        self.amount = kind == .cropToThirds ? 0 : amount
    }

    /// The edited image, the same size as `image`.
    public func applied(to image: RGBImage) -> RGBImage {
        switch kind {
        case .exposure:
            return ImageEdit.exposure(ev: amount).applied(to: image)
        case .contrast:
            return image.contrastScaled(by: pow(2, amount))
        case .saturation:
            return ImageEdit.saturation(factor: pow(2, amount)).applied(to: image)
        case .temperature:
            return ImageEdit.colourCast(amount >= 0 ? .warm : .cool, strength: min(abs(amount), 0.9)).applied(to: image)
        case .straighten:
            return ImageEdit.tilt(degrees: amount).applied(to: image)
        case .cropToThirds:
            return image.croppedToThirds(fraction: 0.8)
        case .reduceNoise:
            return image.smoothed(sigma: max(amount, 0.1))
        case .sharpen:
            return image.unsharpMasked(strength: max(amount, 0), sigma: 1)
        }
    }
}
