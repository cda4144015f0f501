import CalmImage
import Foundation

/// What a pair (an image and a controlled edit of it) teaches: which is more pleasing, what
/// changed, and by how much.
public struct EditJudgement: Equatable, Sendable {
    public let change: EditChange
    /// "slight", "moderate" or "strong" (levels of `Attribute.editStrength`).
    public let strength: String
    /// The edit's parameter in words, e.g. "a Gaussian blur of sigma 2.1 px".
    public let amount: String
    /// Whether the edited image is the more pleasing one.
    public let editedIsBetter: Bool

    /// Judges `edit` applied to `original` (giving `edited`). Edits degrade the photo, except an
    /// exposure or saturation change that moves the measured value closer to the middle of its
    /// "balanced"/"natural" band (exposure 0.45, saturation 0.375): then the edit is preferred.
    public init(edit: ImageEdit, original: RGBImage, edited: RGBImage) {
        (change, strength, amount) = Self.describe(edit)
        func closer(_ target: Double, _ measure: (LowLevelMeasurement) -> Double) -> Bool {
            let before = measure(LowLevelMeasurement(WorkingImage(original))), after = measure(LowLevelMeasurement(WorkingImage(edited)))
            return abs(after - target) < abs(before - target)
        }
        switch edit {
        case .exposure: editedIsBetter = closer(0.45) { $0.exposure }
        case .saturation: editedIsBetter = closer(0.375) { $0.saturation }
        default: editedIsBetter = false
        }
    }

    /// What `edit` changes, how strongly, and its parameter in words: a function of the edit alone.
    public static func describe(_ edit: ImageEdit) -> (change: EditChange, strength: String, amount: String) {
        let change: EditChange, severity: Double, bounds: [Double], amount: String
        switch edit {
        case .blur(let sigma):
            (change, severity, bounds, amount) = (.blurred, sigma, [1.5, 2.8], "a Gaussian blur of sigma \(fixed(sigma)) px")
        case .noise(let sigma):
            (change, severity, bounds, amount) = (.noisier, sigma, [9, 16], "noise of sigma \(fixed(sigma)) grey levels")
        case .exposure(let ev):
            (change, severity, bounds, amount) = (ev > 0 ? .brighter : .darker, abs(ev), [0.8, 1.4],
                                                  "an exposure shift of \(ev > 0 ? "+" : "")\(fixed(ev)) EV")
        case .colourCast(let cast, let s):
            let named: EditChange = [.warm: .warmer, .cool: .cooler, .green: .greener, .magenta: .magenta][cast]!
            (change, severity, bounds, amount) = (named, s, [0.12, 0.22], "channel gains changed by \(Int((s * 100).rounded())) %")
        case .tilt(let degrees):
            (change, severity, bounds, amount) = (.tilted, abs(degrees), [4, 7], "a rotation of \(fixed(degrees)) degrees")
        case .saturation(let factor):
            (change, severity, bounds, amount) = (factor > 1 ? .moreSaturated : .lessSaturated, abs(log2(factor)), [0.55, 0.9],
                                                  "saturation scaled by \(fixed(factor))")
        case .subjectCrop(let fraction):
            (change, severity, bounds, amount) = (.subjectCut, 1 - fraction, [0.32, 0.42],
                                                  "a crop keeping \(Int((fraction * 100).rounded())) % of each side")
        }
        return (change, Attribute.editStrength.levels[bounds.firstIndex { severity < $0 } ?? bounds.count], amount)
    }
}

/// One decimal, the way amounts are written in answers.
private func fixed(_ value: Double) -> String { String(format: "%.1f", value) }
