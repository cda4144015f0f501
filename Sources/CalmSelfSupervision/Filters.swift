import Foundation

/// Small 2-D filters on planes; borders replicate the edge pixel.
extension Plane {
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
        let padded = paddedByOne(), stride = width + 2
        padded.withUnsafeBufferPointer { p in
            for y in 0..<height {
                for x in 0..<width {
                    // Pixel (x, y) is at (x+1, y+1) of the padded copy.
                    let i = (y + 1) * stride + x + 1
                    let a = p[i - stride - 1], b = p[i - stride], c = p[i - stride + 1]
                    let d = p[i - 1], f = p[i + 1]
                    let g = p[i + stride - 1], h = p[i + stride], k = p[i + stride + 1]
                    gx.values[y * width + x] = ((c + 2 * f + k) - (a + 2 * d + g)) / 8
                    gy.values[y * width + x] = ((g + 2 * h + k) - (a + 2 * b + c)) / 8
                }
            }
        }
        return (gx, gy)
    }

    /// The values with a one-pixel replicated border, `(w+2)×(h+2)`, row-major.
    private func paddedByOne() -> [Float] {
        var out = [Float](repeating: 0, count: (width + 2) * (height + 2))
        for y in 0..<(height + 2) {
            let source = min(max(y - 1, 0), height - 1) * width
            for x in 0..<(width + 2) { out[y * (width + 2) + x] = values[source + min(max(x - 1, 0), width - 1)] }
        }
        return out
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (kernel radius ⌈3σ⌉).
    public func gaussianBlurred(sigma: Double) -> Plane {
        guard sigma > 0 else { return self }
        let kernel = gaussianKernel(sigma: sigma)
        return convolvedRows(kernel).transposed().convolvedRows(kernel).transposed()
    }

    /// Each row convolved with a symmetric odd-length kernel, edges replicated.
    private func convolvedRows(_ kernel: [Float]) -> Plane {
        let radius = kernel.count / 2
        var out = Plane(width: width, height: height)
        var row = [Float](repeating: 0, count: width + 2 * radius)
        values.withUnsafeBufferPointer { src in
            kernel.withUnsafeBufferPointer { k in
                row.withUnsafeMutableBufferPointer { row in
                    out.values.withUnsafeMutableBufferPointer { dst in
                        for y in 0..<height {
                            let base = y * width
                            for i in 0..<row.count { row[i] = src[base + min(max(i - radius, 0), width - 1)] }
                            for x in 0..<width {
                                var sum: Float = 0
                                for j in 0..<k.count { sum += k[j] * row[x + j] }
                                dst[base + x] = sum
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private func transposed() -> Plane {
        var out = Plane(width: height, height: width)
        for y in 0..<height {
            for x in 0..<width { out.values[x * height + y] = values[y * width + x] }
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
