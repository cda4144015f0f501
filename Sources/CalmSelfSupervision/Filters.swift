import Foundation

/// Small 2-D filters on planes; borders replicate the edge pixel.
extension Plane {
    @inlinable func clamped(_ x: Int, _ y: Int) -> Float {
        values[min(max(y, 0), height - 1) * width + min(max(x, 0), width - 1)]
    }

    /// The 4-neighbour Laplacian `4·I(x,y) − I(x±1,y) − I(x,y±1)`, at interior pixels only
    /// (the border ring is dropped, so the result is `(w−2)×(h−2)`).
    public func laplacian() -> Plane {
        guard width > 2, height > 2 else { return Plane(width: 0, height: 0) }
        var out = Plane(width: width - 2, height: height - 2)
        values.withUnsafeBufferPointer { v in
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    let i = y * width + x
                    out.values[(y - 1) * (width - 2) + x - 1] = 4 * v[i] - v[i - 1] - v[i + 1] - v[i - width] - v[i + width]
                }
            }
        }
        return out
    }

    /// Sobel derivatives (`gx` rightwards, `gy` downwards), each normalized by 1/8 so a unit
    /// ramp gives a unit gradient; replicated borders.
    public func sobel() -> (gx: Plane, gy: Plane) {
        var gx = Plane(width: width, height: height), gy = Plane(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let a = clamped(x - 1, y - 1), b = clamped(x, y - 1), c = clamped(x + 1, y - 1)
                let d = clamped(x - 1, y), f = clamped(x + 1, y)
                let g = clamped(x - 1, y + 1), h = clamped(x, y + 1), k = clamped(x + 1, y + 1)
                gx[x, y] = ((c + 2 * f + k) - (a + 2 * d + g)) / 8
                gy[x, y] = ((g + 2 * h + k) - (a + 2 * b + c)) / 8
            }
        }
        return (gx, gy)
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (kernel radius ⌈3σ⌉).
    public func gaussianBlurred(sigma: Double) -> Plane {
        guard sigma > 0 else { return self }
        let kernel = gaussianKernel(sigma: sigma)
        let radius = kernel.count / 2
        var horizontal = Plane(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0
                for (k, w) in kernel.enumerated() { sum += w * clamped(x + k - radius, y) }
                horizontal[x, y] = sum
            }
        }
        var out = Plane(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0
                for (k, w) in kernel.enumerated() { sum += w * horizontal.clamped(x, y + k - radius) }
                out[x, y] = sum
            }
        }
        return out
    }
}

/// A normalized 1-D Gaussian of standard deviation `sigma`, radius ⌈3σ⌉.
func gaussianKernel(sigma: Double) -> [Float] {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
    let total = raw.reduce(0, +)
    return raw.map { Float($0 / total) }
}
