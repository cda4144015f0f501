/// How `resized` weighs source pixels.
public enum ResizeFilter: Sendable {
    /// Each output pixel is the mean of the source area it covers, partial pixels weighted
    /// by their covered fraction (cv2 INTER_AREA; equal to PIL's BOX for integer factors).
    /// The right choice for downscaling.
    case area
    /// Triangle filter on half-pixel centres, widened by the scale factor when downscaling
    /// so that it antialiases (PIL's BILINEAR, torchvision's antialiased bilinear).
    case bilinear
}

/// For each output coordinate along one axis: the first source index and the weights
/// of the `count` consecutive source pixels that contribute (rows padded to `taps`).
struct ResampleWeights {
    let first: [Int]
    let count: [Int]
    let taps: Int
    let weights: [Float]

    init(from inSize: Int, to outSize: Int, filter: ResizeFilter) {
        let scale = Double(inSize) / Double(outSize)
        var spans: [(first: Int, weights: [Double])] = []
        spans.reserveCapacity(outSize)
        for i in 0..<outSize {
            switch filter {
            case .area:
                let low = Double(i) * scale, high = min(Double(i + 1) * scale, Double(inSize))
                let first = Int(low.rounded(.down)), end = min(Int(high.rounded(.up)), inSize)
                let weights = (first..<end).map { j in
                    max(0, min(high, Double(j + 1)) - max(low, Double(j))) / scale
                }
                spans.append((first, weights))
            case .bilinear:
                // PIL's precompute_coeffs with the triangle filter (support 1).
                let filterScale = max(scale, 1), support = filterScale
                let centre = (Double(i) + 0.5) * scale
                let first = max(Int(centre - support + 0.5), 0)
                let end = min(Int(centre + support + 0.5), inSize)
                let weights = (first..<end).map { j in
                    max(0, 1 - abs((Double(j) - centre + 0.5) / filterScale))
                }
                spans.append((first, weights))
            }
        }
        let taps = spans.map(\.weights.count).max() ?? 0
        var weights = [Float](repeating: 0, count: outSize * taps)
        for (i, span) in spans.enumerated() {
            let total = span.weights.reduce(0, +)
            for (k, w) in span.weights.enumerated() where total > 0 {
                weights[i * taps + k] = Float(w / total)
            }
        }
        self.first = spans.map(\.first)
        self.count = spans.map(\.weights.count)
        self.taps = taps
        self.weights = weights
    }

    /// Calls `body` with raw pointers to the tables (no bounds checks in the hot loops).
    func withUnsafePointers<R>(_ body: (UnsafePointer<Int>, UnsafePointer<Int>, UnsafePointer<Float>, Int) -> R) -> R {
        first.withUnsafeBufferPointer { first in
            count.withUnsafeBufferPointer { count in
                weights.withUnsafeBufferPointer { weights in
                    body(first.baseAddress!, count.baseAddress!, weights.baseAddress!, taps)
                }
            }
        }
    }
}

extension RGBImage {
    /// The image resampled to `width` × `height`. Separable: columns first, whose inner
    /// loop runs along contiguous rows and vectorizes, then rows; the intermediate stays
    /// Float so that only the final result is rounded (half up).
    public func resized(width outWidth: Int, height outHeight: Int, filter: ResizeFilter = .bilinear) -> RGBImage {
        precondition(outWidth > 0 && outHeight > 0 && width > 0 && height > 0,
                     "resized: \(width)x\(height) -> \(outWidth)x\(outHeight)")
        let columns = ResampleWeights(from: width, to: outWidth, filter: filter)
        let rows = ResampleWeights(from: height, to: outHeight, filter: filter)
        let rowLength = width * 3
        var vertical = [Float](repeating: 0, count: outHeight * rowLength)
        pixels.withUnsafeBufferPointer { src in
            vertical.withUnsafeMutableBufferPointer { mid in
                rows.withUnsafePointers { first, count, weights, taps in
                    for y in 0..<outHeight {
                        let out = mid.baseAddress! + y * rowLength
                        for k in 0..<count[y] {
                            let weight = weights[y * taps + k]
                            let source = src.baseAddress! + (first[y] + k) * rowLength
                            for i in 0..<rowLength { out[i] += weight * Float(source[i]) }
                        }
                    }
                }
            }
        }
        var output = [UInt8](repeating: 0, count: outHeight * outWidth * 3)
        vertical.withUnsafeBufferPointer { mid in
            output.withUnsafeMutableBufferPointer { dst in
                columns.withUnsafePointers { first, count, weights, taps in
                    for y in 0..<outHeight {
                        let row = mid.baseAddress! + y * rowLength
                        var o = y * outWidth * 3
                        for x in 0..<outWidth {
                            var r: Float = 0, g: Float = 0, b: Float = 0
                            var s = first[x] * 3
                            for k in 0..<count[x] {
                                let weight = weights[x * taps + k]
                                r += weight * row[s]
                                g += weight * row[s + 1]
                                b += weight * row[s + 2]
                                s += 3
                            }
                            dst[o] = UInt8(min(max(r + 0.5, 0), 255))
                            dst[o + 1] = UInt8(min(max(g + 0.5, 0), 255))
                            dst[o + 2] = UInt8(min(max(b + 0.5, 0), 255))
                            o += 3
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: output)
    }

    /// The image scaled so that its shorter side is `shorterSide`, keeping the aspect ratio
    /// (the longer side is truncated, as torchvision's Resize(int) does).
    public func resized(shorterSide: Int, filter: ResizeFilter = .bilinear) -> RGBImage {
        if width <= height {
            return resized(width: shorterSide, height: max(1, shorterSide * height / width), filter: filter)
        }
        return resized(width: max(1, shorterSide * width / height), height: shorterSide, filter: filter)
    }
}
