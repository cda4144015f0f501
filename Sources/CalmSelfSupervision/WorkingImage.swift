import CalmImage

/// An image prepared for measurement: downscaled (area filter) so its long side is at most
/// `longSide` pixels, bounding the cost of every algorithm, and split into float planes.
/// All attribute values are defined at this working resolution.
public struct WorkingImage: Sendable {
    /// The default working resolution: long side 256 px.
    public static let defaultLongSide = 256

    /// The image actually measured (the input, downscaled when larger than `longSide`).
    public let image: RGBImage
    /// sRGB-encoded channels in [0, 1].
    public let red: Plane, green: Plane, blue: Plane
    /// Rec. 709 luma of the encoded channels, `0.2126 R' + 0.7152 G' + 0.0722 B'`, in [0, 1].
    public let luma: Plane

    public init(_ source: RGBImage, longSide: Int = WorkingImage.defaultLongSide) {
        let scale = Double(longSide) / Double(max(source.width, source.height))
        let image = scale < 1
            ? source.resized(width: max(1, Int((Double(source.width) * scale).rounded())),
                             height: max(1, Int((Double(source.height) * scale).rounded())), filter: .area)
            : source
        self.image = image
        let planes = image.channelPlanes()
        red = planes[0]
        green = planes[1]
        blue = planes[2]
        var luma = Plane(width: image.width, height: image.height)
        for i in 0..<luma.values.count {
            luma.values[i] = 0.2126 * red.values[i] + 0.7152 * green.values[i] + 0.0722 * blue.values[i]
        }
        self.luma = luma
    }

    public var width: Int { image.width }
    public var height: Int { image.height }
    /// The long side, in pixels: the resolution values are measured at.
    public var side: Int { max(image.width, image.height) }
}

extension RGBImage {
    /// The R, G, B channels as planes of `v / 255`.
    func channelPlanes() -> [Plane] {
        (0..<3).map { c in
            Plane(width: width, height: height,
                  values: stride(from: c, to: pixels.count, by: 3).map { Float(pixels[$0]) / 255 })
        }
    }

    /// Rebuilds an image from three planes in [0, 1], rounding and clipping to 8 bits.
    init(planes: [Plane]) {
        let width = planes[0].width, height = planes[0].height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for c in 0..<3 {
            for (i, v) in planes[c].values.enumerated() {
                pixels[i * 3 + c] = UInt8(min(max((v * 255).rounded(), 0), 255))
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
