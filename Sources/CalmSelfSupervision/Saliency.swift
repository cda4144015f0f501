import Foundation

/// Spectral residual saliency (Hou & Zhang, CVPR 2007) on a 64×64 downscale of the luma.
/// With `F = FFT(L)`, amplitude `A = log|F|`, phase `P`: the residual `R = A − box3×3(A)`
/// marks the spectrum's unexpected part, and `S = Gaussian(|IFFT(exp(R + iP))|²)` maps it
/// back to the image. Values are normalized to [0, 1]; a featureless image gives a
/// uniform map. The map's coordinates stretch over the whole image (non-square images
/// are squashed to 64×64), so positions read off it are fractions of width and height.
public struct SaliencyMap: Sendable {
    /// Side of the square analysis grid.
    public static let size = 64

    /// `size`×`size` saliency in [0, 1].
    public let map: Plane

    public init(luma: Plane) {
        let n = SaliencyMap.size
        let small = luma.areaResized(width: n, height: n)
        let mean = small.mean
        let variance = small.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n * n)
        guard variance > 1e-8 else {
            map = Plane(width: n, height: n, repeating: 1)
            return
        }
        var re = small.values.map(Double.init), im = [Double](repeating: 0, count: n * n)
        fft2D(&re, &im, size: n)
        var logAmplitude = [Double](repeating: 0, count: n * n), phase = logAmplitude
        for i in 0..<(n * n) {
            logAmplitude[i] = log((re[i] * re[i] + im[i] * im[i]).squareRoot() + 1e-9)
            phase[i] = atan2(im[i], re[i])
        }
        // The 3×3 mean of the log spectrum wraps around: the spectrum is periodic.
        for y in 0..<n {
            for x in 0..<n {
                var local = 0.0
                for dy in -1...1 {
                    for dx in -1...1 { local += logAmplitude[((y + dy + n) % n) * n + (x + dx + n) % n] }
                }
                let residual = exp(logAmplitude[y * n + x] - local / 9)
                re[y * n + x] = residual * cos(phase[y * n + x])
                im[y * n + x] = residual * sin(phase[y * n + x])
            }
        }
        fft2D(&re, &im, size: n, inverse: true)
        var energy = Plane(width: n, height: n)
        for i in 0..<(n * n) { energy.values[i] = Float(re[i] * re[i] + im[i] * im[i]) }
        // Hou & Zhang smooth with σ = 8 px at 64 px; 3 px keeps small subjects localized.
        let smooth = energy.gaussianBlurred(sigma: 3)
        let high = smooth.values.max() ?? 0, low = smooth.values.min() ?? 0
        map = Plane(width: n, height: n, values: smooth.values.map { high > low ? ($0 - low) / (high - low) : 1 })
    }

    /// Saliency-weighted centroid (x, y) as fractions of width and height, each pixel weighted
    /// by its saliency above the map mean, so the diffuse background does not pull it to the centre.
    public var centroid: (x: Double, y: Double) {
        let n = SaliencyMap.size, mean = map.mean
        var total = 0.0, sx = 0.0, sy = 0.0
        for y in 0..<n {
            for x in 0..<n {
                let w = max(0, Double(map[x, y]) - mean)
                total += w
                sx += w * (Double(x) + 0.5)
                sy += w * (Double(y) + 0.5)
            }
        }
        guard total > 0 else { return (0.5, 0.5) }
        return (sx / total / Double(n), sy / total / Double(n))
    }
}
