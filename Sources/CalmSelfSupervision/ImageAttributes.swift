import CalmImage
import Foundation

/// Every low- and middle-scale pseudo-label of one image: the measurements, one value per
/// attribute, and its quantized level.
public struct ImageAttributes: Sendable {
    public let low: LowLevelProfile
    public let middle: MidLevelMeasurement
    /// The long side, in pixels, of the image measured: the resolution the levels are read at.
    public let side: Int

    /// Measures `image` at the working resolution (long side `longSide`, default 256 px).
    public init(_ image: RGBImage, longSide: Int = WorkingImage.defaultLongSide) {
        self.init(WorkingImage(image, longSide: longSide))
    }

    public init(_ working: WorkingImage) {
        low = LowLevelProfile(working)
        middle = MidLevelMeasurement(working, saliency: SaliencyMap(luma: working.luma))
        side = working.side
    }

    /// Low- and middle-scale attributes, each with the value its level is read from.
    public static let measured = Attribute.allCases.filter { $0.scale != .high }

    /// The value behind an attribute's level (nil for the pair attributes of the high scale).
    /// Units are those of the measurement fields; the brightest region's value is the exposure
    /// spread over the 3×3 grid, placement the distance to the nearest power point, and tilt
    /// the magnitude in degrees (see `tiltMagnitude`).
    public func value(_ attribute: Attribute) -> Double? {
        attribute == .brightestRegion ? exposureSpread : low.global.value(attribute) ?? middle.value(attribute)
    }

    /// `ImageAttributes(working).value(attribute)`, measuring only what the attribute needs: one
    /// pass over the pixels for a whole-image pixel statistic, `MidLevelMeasurement.value(_:of:)`
    /// for a composition attribute (the grid cells are skipped). Single-attribute labels and
    /// level targeting measure this way.
    public static func value(_ attribute: Attribute, of working: WorkingImage) -> Double? {
        if LowLevelMeasurement.attributes.contains(attribute) { return LowLevelMeasurement(working).value(attribute) }
        if attribute.scale == .middle { return MidLevelMeasurement.value(attribute, of: working) }
        return ImageAttributes(working).value(attribute)
    }

    /// Upper bounds between consecutive levels (level i covers values below `bounds[i]`) for values
    /// measured on an image of long side `side`, chosen so that the levels are populated on real
    /// photos. Only sharpness and noise depend on the side (`resolutionCalibrated`).
    public static func levelBounds(_ attribute: Attribute, side: Int = WorkingImage.defaultLongSide) -> [Double] {
        switch attribute {
        case .exposure: return [0.2, 0.35, 0.55, 0.7]
        case .highlights: return [0.005, 0.05]
        case .shadows: return [0.005, 0.05]
        case .contrast: return [0.14, 0.23]
        case .saturation: return [0.25, 0.5]
        case .colourfulness: return [15, 33, 59]
        case .temperature: return [4000, 5500, 7500]
        case .tint: return [-0.03, 0.03]
        case .sharpness, .noise:
            // Linear in log side and log value between the calibrated anchors (and beyond them).
            let anchors = resolutionCalibrated[attribute]!, t = log2(Double(side) / 128)
            return zip(anchors.at128, anchors.at256).map { b128, b256 in b128 * pow(b256 / b128, t) }
        case .brightestRegion: return []
        case .placement: return []
        case .symmetry: return [0.3, 0.7]
        case .tilt: return [1.5, 4]
        case .depthOfField: return [0.5, 1.5]
        case .horizontalBalance, .verticalBalance: return [-0.12, 0.12]
        case .clutter: return [0.08, 0.25]
        case .preference, .edit, .editStrength: return []
        }
    }

    /// Bounds at 128 and 256 px of the attributes whose values change with the resolution: on real
    /// photos, downscaling moves texture to higher frequencies and raises both the Laplacian
    /// variance and the noise estimate (by 1.47× and 1.36× from 256 to 128 px, median over the
    /// corpus). The 128 px bounds keep each level's share of the corpus photos that the 256 px
    /// bounds give (`Scripts/corpus/calibrate_levels.py`).
    static let resolutionCalibrated: [Attribute: (at128: [Double], at256: [Double])] = [
        .sharpness: (at128: [370, 1130, 2970], at256: [200, 700, 2500]),
        .noise: (at128: [2.7, 5.7], at256: [2, 5]),
    ]

    /// Highest minus lowest mean luma among the 3×3 grid cells, in [0, 1].
    public var exposureSpread: Double {
        let exposures = low.cells.map(\.exposure)
        return exposures.max()! - exposures.min()!
    }

    /// The level of an attribute (nil for the pair attributes). Two are categorical: the brightest
    /// region is "even" when the grid's exposure spread is below 0.1, else the brightest cell's
    /// name; placement is `MidLevelMeasurement.placementLevel`.
    public func level(_ attribute: Attribute) -> String? {
        if attribute == .brightestRegion {
            guard exposureSpread >= 0.1 else { return "even" }
            let brightest = low.cells.indices.max { low.cells[$0].exposure < low.cells[$1].exposure }!
            return LowLevelProfile.cellNames[brightest]
        }
        if attribute == .placement { return middle.placementLevel }
        return value(attribute).map { attribute.levels[ImageAttributes.levelIndex(attribute, value: $0, side: side)] }
    }

    /// `ImageAttributes(working).level(attribute)`, measuring only what the attribute needs (see
    /// `value(_:of:)`): a single-attribute sample's label.
    public static func level(_ attribute: Attribute, of working: WorkingImage) -> String? {
        if attribute == .brightestRegion { return ImageAttributes(working).level(attribute) }
        if attribute == .placement { return MidLevelMeasurement.placementLevel(of: working) }
        return value(attribute, of: working).map { attribute.levels[levelIndex(attribute, value: $0, side: working.side)] }
    }

    /// The index in `attribute.levels` of the level `value`, measured on an image of long side
    /// `side`, falls in (for the attributes quantized by `levelBounds`).
    public static func levelIndex(_ attribute: Attribute, value: Double, side: Int) -> Int {
        let bounds = levelBounds(attribute, side: side)
        return bounds.firstIndex { value < $0 } ?? bounds.count
    }

    /// Levels of all measured attributes.
    public var levels: [Attribute: String] {
        Dictionary(uniqueKeysWithValues: ImageAttributes.measured.map { ($0, level($0)!) })
    }
}
