/// A single-channel float image, rows top to bottom: the unit the analysis filters work on.
public struct Plane: Sendable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "Plane: \(values.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    public init(width: Int, height: Int, repeating value: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The mean of all values (0 for an empty plane).
    public var mean: Double {
        values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }

    /// Resampled to `outWidth`×`outHeight` by area averaging (each output value is the
    /// mean of the source area it covers), as cv2's INTER_AREA.
    public func areaResized(width outWidth: Int, height outHeight: Int) -> Plane {
        let sx = Double(width) / Double(outWidth), sy = Double(height) / Double(outHeight)
        // Per-axis spans: first source index and the covered fraction of each source pixel.
        func spans(_ count: Int, _ scale: Double, _ size: Int) -> [(Int, [Double])] {
            (0..<count).map { i in
                let low = Double(i) * scale, high = min(Double(i + 1) * scale, Double(size))
                let first = Int(low), end = min(Int(high.rounded(.up)), size)
                return (first, (first..<end).map { j in max(0, min(high, Double(j + 1)) - max(low, Double(j))) / scale })
            }
        }
        let xs = spans(outWidth, sx, width), ys = spans(outHeight, sy, height)
        var out = Plane(width: outWidth, height: outHeight)
        for (oy, (y0, wy)) in ys.enumerated() {
            for (ox, (x0, wx)) in xs.enumerated() {
                var sum = 0.0
                for (j, fy) in wy.enumerated() {
                    for (i, fx) in wx.enumerated() { sum += fy * fx * Double(self[x0 + i, y0 + j]) }
                }
                out[ox, oy] = Float(sum)
            }
        }
        return out
    }
}
