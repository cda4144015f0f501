extension RGBImage {
    /// The `width` × `height` window whose top-left corner is at (`x`, `y`) in this image.
    /// The window may reach outside the image: those pixels take the `fill` colour, so
    /// cropping never fails and also serves for padding.
    public func cropped(x: Int, y: Int, width outWidth: Int, height outHeight: Int, fill: RGBColor = .black) -> RGBImage {
        precondition(outWidth >= 0 && outHeight >= 0, "cropped: negative size \(outWidth)x\(outHeight)")
        var output = RGBImage(width: outWidth, height: outHeight, fill: fill)
        // The part of the window that overlaps the image, in window coordinates.
        let left = max(0, -x), right = min(outWidth, width - x)
        let top = max(0, -y), bottom = min(outHeight, height - y)
        guard left < right && top < bottom else { return output }
        let span = (right - left) * 3
        pixels.withUnsafeBufferPointer { src in
            output.pixels.withUnsafeMutableBufferPointer { dst in
                for row in top..<bottom {
                    let from = ((row + y) * width + left + x) * 3, to = (row * outWidth + left) * 3
                    UnsafeMutableRawPointer(dst.baseAddress! + to)
                        .copyMemory(from: src.baseAddress! + from, byteCount: span)
                }
            }
        }
        return output
    }

    /// The centred `width` × `height` window (offsets rounded towards the top-left);
    /// sides smaller than the window are padded with `fill` evenly, as torchvision's
    /// CenterCrop does.
    public func centerCropped(width outWidth: Int, height outHeight: Int, fill: RGBColor = .black) -> RGBImage {
        cropped(x: (width - outWidth) / 2, y: (height - outHeight) / 2,
                width: outWidth, height: outHeight, fill: fill)
    }

    /// A `width` × `height` window at a uniformly random position drawn from `generator`,
    /// so that the training RNG makes crops reproducible. A side smaller than the window
    /// is centred and padded with `fill` instead.
    public func randomCropped<G: RandomNumberGenerator>(width outWidth: Int, height outHeight: Int,
                                                        fill: RGBColor = .black, using generator: inout G) -> RGBImage {
        func offset(_ size: Int, _ window: Int) -> Int {
            size >= window ? Int.random(in: 0...(size - window), using: &generator) : (size - window) / 2
        }
        let x = offset(width, outWidth)
        let y = offset(height, outHeight)
        return cropped(x: x, y: y, width: outWidth, height: outHeight, fill: fill)
    }

    /// The image centred on a square canvas of side max(width, height), filled with `fill`.
    public func paddedToSquare(fill: RGBColor) -> RGBImage {
        let side = max(width, height)
        return centerCropped(width: side, height: side, fill: fill)
    }
}
