import CalmImage
import CalmSelfSupervision
import Foundation

/// A known damage done to a good photo for the suggesting benchmark, with the correction
/// that undoes it. Strength 0…1 scales each kind's parameter within a range visible at 256 px.
public struct Degradation: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case underexposed, overexposed, lowContrast = "low contrast", desaturated, oversaturated
        case warmCast = "warm cast", coolCast = "cool cast", tilted, noisy, blurred
    }

    public let kind: Kind
    /// 0 (barely visible) … 1 (strong).
    public let strength: Double

    public init(_ kind: Kind, strength: Double) {
        self.kind = kind
        self.strength = min(max(strength, 0), 1)
    }

    /// `lowest + strength · (highest − lowest)`.
    private func scaled(_ lowest: Double, _ highest: Double) -> Double { lowest + strength * (highest - lowest) }

    /// The degraded image; `seed` drives the noise.
    public func applied(to image: RGBImage, seed: UInt64) -> RGBImage {
        switch kind {
        case .blurred: return ImageEdit.blur(sigma: scaled(1, 3)).applied(to: image)
        case .noisy: return ImageEdit.noise(sigma: scaled(8, 24)).applied(to: image, seed: seed)
        default: return inverse.inverted.applied(to: image)
        }
    }

    /// The correction that undoes this degradation (for blur and noise: the repair that
    /// counters it, since neither can be inverted exactly).
    public var inverse: Correction {
        switch kind {
        case .underexposed: return Correction(.exposure, amount: scaled(0.7, 1.8))
        case .overexposed: return Correction(.exposure, amount: -scaled(0.7, 1.8))
        case .lowContrast: return Correction(.contrast, amount: scaled(0.5, 1.2))
        case .desaturated: return Correction(.saturation, amount: scaled(0.5, 1.5))
        case .oversaturated: return Correction(.saturation, amount: -scaled(0.5, 1.2))
        case .warmCast: return Correction(.temperature, amount: -scaled(0.1, 0.3))
        case .coolCast: return Correction(.temperature, amount: scaled(0.1, 0.3))
        case .tilted: return Correction(.straighten, amount: -scaled(3, 10))
        case .noisy: return Correction(.reduceNoise, amount: scaled(0.8, 1.6))
        case .blurred: return Correction(.sharpen, amount: scaled(1, 3))
        }
    }

    /// Whether `correction` names this degradation's inverse: the same kind, and for signed
    /// kinds the same direction.
    public func isUndone(by correction: Correction) -> Bool {
        let target = inverse
        guard correction.kind == target.kind else { return false }
        return !target.kind.isSigned || (correction.amount >= 0) == (target.amount >= 0)
    }
}

extension Correction {
    /// The same edit the other way round (the degradation a signed correction repairs).
    var inverted: Correction { Correction(kind, amount: -amount) }
}
