/// Mirrors and quarter turns, each a mapping from output pixels to source pixels.
struct PixelRemap {
    /// Output axes are the source's swapped (a quarter turn or a diagonal mirror).
    var transposed = false
    /// After any transpose: read source columns right to left.
    var mirrorX = false
    /// After any transpose: read source rows bottom to top.
    var mirrorY = false

    /// The remap that brings an image stored with this EXIF orientation upright
    /// (1: as stored, 2: mirrored, 3: turned 180°, 4: flipped, 5: transposed,
    /// 6: turned 90° clockwise to display, 7: transversed, 8: turned 90° counter-clockwise).
    init?(exifOrientation: Int) {
        switch exifOrientation {
        case 2: mirrorX = true
        case 3: mirrorX = true; mirrorY = true
        case 4: mirrorY = true
        case 5: transposed = true
        case 6: transposed = true; mirrorY = true
        case 7: transposed = true; mirrorX = true; mirrorY = true
        case 8: transposed = true; mirrorX = true
        default: return nil
        }
    }

    init(transposed: Bool = false, mirrorX: Bool = false, mirrorY: Bool = false) {
        self.transposed = transposed
        self.mirrorX = mirrorX
        self.mirrorY = mirrorY
    }

    func apply(to image: RGBImage) -> RGBImage {
        let (width, height) = (image.width, image.height)
        let (outWidth, outHeight) = transposed ? (height, width) : (width, height)
        // Source sample offset of output pixel (0, 0) and its steps along output x and y.
        let along = mirrorX ? -3 : 3, down = mirrorY ? -3 * width : 3 * width
        let origin = (mirrorX ? (width - 1) * 3 : 0) + (mirrorY ? (height - 1) * 3 * width : 0)
        let (stepX, stepY) = transposed ? (down, along) : (along, down)
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                var o = 0
                for y in 0..<outHeight {
                    var s = origin + y * stepY
                    for _ in 0..<outWidth {
                        dst[o] = src[s]
                        dst[o + 1] = src[s + 1]
                        dst[o + 2] = src[s + 2]
                        o += 3
                        s += stepX
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: pixels)
    }
}

extension RGBImage {
    /// The image turned upright according to an EXIF orientation tag (1–8); other values
    /// leave it unchanged.
    public func oriented(exif orientation: Int) -> RGBImage {
        PixelRemap(exifOrientation: orientation)?.apply(to: self) ?? self
    }

    /// The image mirrored left to right.
    public func flippedHorizontally() -> RGBImage {
        PixelRemap(mirrorX: true).apply(to: self)
    }
}
