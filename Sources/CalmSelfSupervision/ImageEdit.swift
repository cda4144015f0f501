import CalmImage
import Foundation

/// A colour cast direction: warm/cool move along red–blue, green/magenta along the tint axis.
public enum ColourCast: String, CaseIterable, Sendable {
    case warm, cool, green, magenta
}

/// A controlled edit with known parameters, applied to make the "high" scale's image pairs.
/// Pixel units refer to the image the edit is applied to (the working resolution in training).
public enum ImageEdit: Equatable, Sendable {
    /// Separable Gaussian blur of standard deviation `sigma` pixels.
    case blur(sigma: Double)
    /// Independent Gaussian noise of standard deviation `sigma` grey levels (0–255) per channel.
    case noise(sigma: Double)
    /// Exposure shift: linear light multiplied by `2^ev`, then re-encoded and clipped.
    case exposure(ev: Double)
    /// Linear-light channel gains `1 ± strength`: warm raises red and lowers blue, cool the
    /// reverse, green raises green, magenta raises red and blue.
    case colourCast(ColourCast, strength: Double)
    /// Rotation by `degrees` counter-clockwise about the centre, cropped to the largest centred
    /// rectangle of the same aspect that holds no border, and scaled back to the input size.
    case tilt(degrees: Double)
    /// Saturation scaled by `factor` around the luma: `c' = Y' + factor·(c − Y')` (encoded values).
    case saturation(factor: Double)
    /// A crop keeping `fraction` of each side, placed so that the saliency centroid lies on the
    /// crop's left or right edge (cutting the subject in half), scaled back to the input size.
    case subjectCrop(fraction: Double)

    /// The kinds of edit, as recipes name them (`pretrain.pair_edits`).
    public enum Kind: String, CaseIterable, Sendable {
        case blur, noise, exposure, colourCast = "colour_cast", tilt, saturation, subjectCrop = "subject_crop"
    }

    /// A random edit: the kind uniformly among `kinds`, the parameter uniformly in a range that is
    /// visible at 256 px (signs drawn for exposure, tilt, saturation direction).
    public static func random(kinds: [Kind] = Kind.allCases, using rng: inout SeededRandom) -> ImageEdit {
        let sign: Double = Bool.random(using: &rng) ? 1 : -1
        switch kinds[Int.random(in: 0..<kinds.count, using: &rng)] {
        case .blur: return .blur(sigma: Double.random(in: 0.8...4, using: &rng))
        case .noise: return .noise(sigma: Double.random(in: 4...24, using: &rng))
        case .exposure: return .exposure(ev: sign * Double.random(in: 0.4...2, using: &rng))
        case .colourCast: return .colourCast(ColourCast.allCases.randomElement(using: &rng)!,
                                             strength: Double.random(in: 0.05...0.3, using: &rng))
        case .tilt: return .tilt(degrees: sign * Double.random(in: 2...10, using: &rng))
        case .saturation: return .saturation(factor: pow(2, sign * Double.random(in: 0.3...1.2, using: &rng)))
        case .subjectCrop: return .subjectCrop(fraction: Double.random(in: 0.5...0.75, using: &rng))
        }
    }

    /// The opposite edit, for the edits that change a photo in one of two directions (exposure,
    /// colour cast, saturation); nil for those that only lose something (blur, noise, tilt, crop).
    public var reversed: ImageEdit? {
        switch self {
        case .exposure(let ev): return .exposure(ev: -ev)
        case .saturation(let factor): return .saturation(factor: 1 / factor)
        case .colourCast(let cast, let strength):
            let opposite: [ColourCast: ColourCast] = [.warm: .cool, .cool: .warm, .green: .magenta, .magenta: .green]
            return .colourCast(opposite[cast]!, strength: strength)
        case .blur, .noise, .tilt, .subjectCrop: return nil
        }
    }

    /// The edited image, the same size as `image`; `seed` drives the noise.
    public func applied(to image: RGBImage, seed: UInt64 = 0) -> RGBImage {
        switch self {
        case .blur(let sigma):
            return RGBImage(planes: image.channelPlanes().map { $0.gaussianBlurred(sigma: sigma) })
        case .noise(let sigma):
            var rng = SeededRandom(seed: seed)
            var pixels = image.pixels
            for i in 0..<pixels.count {
                pixels[i] = UInt8(min(max((Double(pixels[i]) + sigma * rng.nextGaussian()).rounded(), 0), 255))
            }
            return RGBImage(width: image.width, height: image.height, pixels: pixels)
        case .exposure(let ev):
            return image.linearGains(pow(2, ev), pow(2, ev), pow(2, ev))
        case .colourCast(let cast, let s):
            switch cast {
            case .warm: return image.linearGains(1 + s, 1, 1 - s)
            case .cool: return image.linearGains(1 - s, 1, 1 + s)
            case .green: return image.linearGains(1, 1 + s, 1)
            case .magenta: return image.linearGains(1 + s, 1, 1 + s)
            }
        case .tilt(let degrees):
            return image.rotatedAndCropped(degrees: degrees)
        case .saturation(let factor):
            var pixels = image.pixels
            for i in stride(from: 0, to: pixels.count, by: 3) {
                let r = Double(pixels[i]), g = Double(pixels[i + 1]), b = Double(pixels[i + 2])
                let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
                for (c, v) in [r, g, b].enumerated() {
                    pixels[i + c] = UInt8(min(max((luma + factor * (v - luma)).rounded(), 0), 255))
                }
            }
            return RGBImage(width: image.width, height: image.height, pixels: pixels)
        case .subjectCrop(let fraction):
            let rect = subjectCutRect(for: image, fraction: fraction)
            return image.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
                .resized(width: image.width, height: image.height)
        }
    }
}

/// The crop window of `.subjectCrop`: `fraction` of each side, vertically centred on the
/// subject, with the subject centroid on the window's left or right edge, whichever keeps more of
/// the window inside the image; the window is then shifted inside the image if it must be.
public func subjectCutRect(for image: RGBImage, fraction: Double) -> (x: Int, y: Int, width: Int, height: Int) {
    let centroid = SaliencyMap(luma: WorkingImage(image).luma).centroid
    let width = max(1, Int(Double(image.width) * fraction)), height = max(1, Int(Double(image.height) * fraction))
    let cx = Int(centroid.x * Double(image.width)), cy = Int(centroid.y * Double(image.height))
    let x = cx + width - image.width <= width - cx ? cx : cx - width
    let y = cy - height / 2
    return (min(max(x, 0), image.width - width), min(max(y, 0), image.height - height), width, height)
}

extension RGBImage {
    /// Multiplies linear-light R, G, B by the given gains, re-encoding to sRGB with clipping.
    func linearGains(_ red: Double, _ green: Double, _ blue: Double) -> RGBImage {
        let gains = [red, green, blue]
        // One lookup table per channel: 256 entries instead of a pow per sample.
        let tables: [[UInt8]] = gains.map { gain in
            (0..<256).map { v in
                let linear = min(srgbToLinear(Double(v) / 255) * gain, 1)
                let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
                return UInt8((encoded * 255).rounded())
            }
        }
        var pixels = self.pixels
        for i in 0..<pixels.count { pixels[i] = tables[i % 3][Int(pixels[i])] }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// See `ImageEdit.tilt`: one bilinear resampling does rotation, crop and rescale.
    func rotatedAndCropped(degrees: Double) -> RGBImage {
        let angle = degrees * Double.pi / 180, c = cos(angle), s = sin(angle)
        let w = Double(width), h = Double(height)
        // Largest centred k·w × k·h rectangle inside the rotated w × h frame.
        let k = min(w / (w * abs(c) + h * abs(s)), h / (w * abs(s) + h * abs(c)))
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let u = k * (Double(x) + 0.5 - w / 2), v = k * (Double(y) + 0.5 - h / 2)
                // Counter-clockwise as seen, with y pointing down: source = Rᵀ·(u, v).
                let sx = c * u - s * v + w / 2 - 0.5, sy = s * u + c * v + h / 2 - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                for channel in 0..<3 {
                    func sample(_ px: Int, _ py: Int) -> Double {
                        Double(pixels[(min(max(py, 0), height - 1) * width + min(max(px, 0), width - 1)) * 3 + channel])
                    }
                    let top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx
                    let bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx
                    out[(y * width + x) * 3 + channel] = UInt8(min(max((top * (1 - fy) + bottom * fy).rounded(), 0), 255))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
