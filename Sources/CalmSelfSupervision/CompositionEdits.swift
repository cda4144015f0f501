import CalmImage
import Foundation

/// The edit families `LevelTargeting` moves the composition attributes with. Unlike the pair
/// edits (`ImageEdit`) they are never named in an answer: they only give a photo a composition
/// level it did not have, so that the level stops being a property of the photo's identity.
extension RGBImage {
    /// `(1 − t)·image + t·mirror image`: left–right symmetry rises with t, to a perfect mirror
    /// image at t = 0.5.
    func blendedWithMirror(_ t: Double) -> RGBImage {
        let mirror = flippedHorizontally()
        return RGBImage(width: width, height: height, pixels: zip(pixels, mirror.pixels).map { a, b in
            UInt8((Double(a) * (1 - t) + Double(b) * t).rounded())
        })
    }

    /// Synthetic depth of field: blurs (σ = |t| px) the background for t > 0, the subject for
    /// t < 0, keeping the other sharp. `subject` weighs each pixel's membership of the subject in
    /// [0, 1]; it may have any resolution and is stretched over the image.
    func refocused(subject: Plane, strength t: Double) -> RGBImage {
        guard t != 0 else { return self }
        let blurred = ImageEdit.blur(sigma: abs(t)).applied(to: self)
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let inSubject = Double(subject[x * subject.width / width, y * subject.height / height])
                let sharp = t > 0 ? inSubject : 1 - inSubject
                for c in 0..<3 {
                    let i = (y * width + x) * 3 + c
                    out[i] = UInt8((Double(pixels[i]) * sharp + Double(blurred.pixels[i]) * (1 - sharp)).rounded())
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// Unsharp masking, `image + amount·(image − blur_σ=1(image))`: steepens every edge, so more
    /// pixels pass the clutter measurement's gradient threshold.
    func unsharpMasked(amount: Double) -> RGBImage {
        let blurred = ImageEdit.blur(sigma: 1).applied(to: self)
        return RGBImage(width: width, height: height, pixels: zip(pixels, blurred.pixels).map { a, b in
            UInt8(min(max((Double(a) + amount * (Double(a) - Double(b))).rounded(), 0), 255))
        })
    }

    /// Resamples one axis through `u ↦ u + a·u·(1 − u)` (u the position along the axis in [0, 1];
    /// monotone for |a| ≤ 1), the other axis untouched. For a > 0 the near half (left, or top)
    /// shows the source's first 0.5 + a/4 and the content there is stretched, moving visual weight
    /// to the near side; a < 0 moves it to the far side.
    func axisWarped(horizontally: Bool, strength a: Double) -> RGBImage {
        let length = horizontally ? width : height
        // Source position (in pixels, fractional) of each output position along the axis.
        let sources: [(Int, Int, Double)] = (0..<length).map { i in
            let u = (Double(i) + 0.5) / Double(length)
            let s = min(max((u + a * u * (1 - u)) * Double(length) - 0.5, 0), Double(length - 1))
            let lower = Int(s.rounded(.down))
            return (lower, min(lower + 1, length - 1), s - Double(lower))
        }
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let (lower, upper, f) = sources[horizontally ? x : y]
                let (a, b) = horizontally ? ((y * width + lower) * 3, (y * width + upper) * 3)
                                          : ((lower * width + x) * 3, (upper * width + x) * 3)
                for c in 0..<3 {
                    out[(y * width + x) * 3 + c] = UInt8((Double(pixels[a + c]) * (1 - f) + Double(pixels[b + c]) * f).rounded())
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
