import CalmImage

/// Level targeting by choice of window, for the composition attributes that no pixel edit moves
/// without leaving a trace: among square windows of the photo, the first whose level is the one
/// drawn. Mirror blends, refocusing and warps were tried as edit families for these attributes
/// and dropped (the encoder learned to read the edits). A window is an untouched crop of a real
/// photo, yet the levels named follow the draw instead of the photos' skew, and one photo's
/// windows name different levels, so a level cannot be remembered per photo.
public struct WindowTargeting: Sendable {
    /// The attributes targeted by window (tilt has a rotation family in `LevelTargeting`).
    public static let attributes: [Attribute] = [.placement, .symmetry, .depthOfField, .horizontalBalance, .verticalBalance, .clutter]
    /// Windows measured before settling for the nearest level seen.
    static let maxWindows = 8

    public let attribute: Attribute
    /// The whole photo, at its own resolution.
    let photo: RGBImage
    let longSide: Int
    /// What the sample does to a window before measuring it (its augmentation edit), so that a
    /// window is judged as the sample will show it.
    let prepare: @Sendable (RGBImage) -> RGBImage

    /// Nil when the attribute is not targeted by window.
    public init?(_ attribute: Attribute, photo: RGBImage, longSide: Int = WorkingImage.defaultLongSide,
                 prepare: @escaping @Sendable (RGBImage) -> RGBImage = { $0 }) {
        guard Self.attributes.contains(attribute) else { return nil }
        self.attribute = attribute
        self.photo = photo
        self.longSide = longSide
        self.prepare = prepare
    }

    /// A prepared window whose level is `level` (an index into `attribute.levels`): `first` (already
    /// prepared) when it is in that level, else the first of up to `maxWindows` random windows
    /// (`PretrainSampleGenerator.window`) that is, else the one whose level came nearest. The
    /// sample's label must still be measured on the result.
    public func window(level: Int, first: RGBImage, seed: UInt64) -> RGBImage {
        var rng = SeededRandom(seed: seed)
        var best = (image: first, distance: abs(levelIndex(first) - level))
        for _ in 0..<Self.maxWindows where best.distance > 0 {
            let candidate = prepare(PretrainSampleGenerator.window(of: photo, longSide: longSide, using: &rng))
            let distance = abs(levelIndex(candidate) - level)
            if distance < best.distance { best = (candidate, distance) }
        }
        return best.image
    }

    private func levelIndex(_ image: RGBImage) -> Int {
        attribute.levels.firstIndex(of: ImageAttributes.level(attribute, of: WorkingImage(image, longSide: longSide))!)!
    }
}
