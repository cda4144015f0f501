import CalmImage
import CalmSelfSupervision
import Foundation

/// The corrective edits that `ImageEdit` (made to degrade, not to repair) does not have.
extension RGBImage {
    /// Tones spread by `factor` around the image's mean luma, in encoded values.
    func contrastScaled(by factor: Double) -> RGBImage {
        var total = 0.0
        for i in stride(from: 0, to: pixels.count, by: 3) {
            total += 0.2126 * Double(pixels[i]) + 0.7152 * Double(pixels[i + 1]) + 0.0722 * Double(pixels[i + 2])
        }
        let mean = total / Double(max(width * height, 1))
        let table: [UInt8] = (0..<256).map { UInt8(min(max((mean + factor * (Double($0) - mean)).rounded(), 0), 255)) }
        return RGBImage(width: width, height: height, pixels: pixels.map { table[Int($0)] })
    }

    /// Each channel blurred by a Gaussian of standard deviation `sigma` pixels.
    func smoothed(sigma: Double) -> RGBImage {
        RGBImage(width: width, height: height, planes: planes().map { $0.gaussianBlurred(sigma: sigma) })
    }

    /// `c + strength · (c − blur(c))`: boosts detail finer than `sigma` pixels.
    func unsharpMasked(strength: Double, sigma: Double) -> RGBImage {
        let sharpened = planes().map { plane -> Plane in
            let blurred = plane.gaussianBlurred(sigma: sigma)
            var out = plane
            for i in out.values.indices {
                out.values[i] += Float(strength) * (plane.values[i] - blurred.values[i])
            }
            return out
        }
        return RGBImage(width: width, height: height, planes: sharpened)
    }

    /// A crop keeping `fraction` of each side, placed so that the saliency centroid lands as
    /// close as the crop allows to the nearest power point (intersection of thirds), scaled back.
    func croppedToThirds(fraction: Double) -> RGBImage {
        let centroid = SaliencyMap(luma: WorkingImage(self).luma).centroid
        let cropWidth = max(1, Int(Double(width) * fraction)), cropHeight = max(1, Int(Double(height) * fraction))
        func origin(centre: Double, side: Int, crop: Int) -> Int {
            let subject = centre * Double(side)
            // The third of the crop nearer to where the subject already sits.
            let third = centre < 0.5 ? Double(crop) / 3 : 2 * Double(crop) / 3
            return min(max(Int((subject - third).rounded()), 0), side - crop)
        }
        let x = origin(centre: centroid.x, side: width, crop: cropWidth)
        let y = origin(centre: centroid.y, side: height, crop: cropHeight)
        return cropped(x: x, y: y, width: cropWidth, height: cropHeight).resized(width: width, height: height)
    }

    /// The three channels as planes of encoded values 0…255.
    func planes() -> [Plane] {
        (0..<3).map { channel in
            Plane(width: width, height: height,
                  values: stride(from: channel, to: pixels.count, by: 3).map { Float(pixels[$0]) })
        }
    }

    /// Interleaves three planes, rounding and clipping to 0…255.
    init(width: Int, height: Int, planes: [Plane]) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for (channel, plane) in planes.enumerated() {
            for i in 0..<(width * height) {
                pixels[i * 3 + channel] = UInt8(min(max(plane.values[i].rounded(), 0), 255))
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
