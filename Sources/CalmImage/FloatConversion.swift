import Foundation

/// Per-channel mean and standard deviation for normalizing images fed to a network.
public struct ChannelNormalization: Equatable, Sendable {
    /// Means of R, G, B on the [0, 1] scale.
    public var mean: (Float, Float, Float)
    /// Standard deviations of R, G, B on the [0, 1] scale.
    public var std: (Float, Float, Float)

    public init(mean: (Float, Float, Float), std: (Float, Float, Float)) {
        self.mean = mean
        self.std = std
    }

    /// OpenAI CLIP's statistics, which CLIP-initialized vision encoders expect.
    public static let clip = ChannelNormalization(mean: (0.48145466, 0.4578275, 0.40821073),
                                                  std: (0.26862954, 0.26130258, 0.27577711))

    public static func == (a: ChannelNormalization, b: ChannelNormalization) -> Bool {
        a.mean == b.mean && a.std == b.std
    }
}

extension RGBImage {
    /// Samples as Float32 in CHW order (all R, then all G, then all B), each
    /// `(v / 255 - mean[c]) / std[c]`: the input layout of the vision encoder.
    public func normalizedCHW(_ normalization: ChannelNormalization = .clip) -> [Float] {
        let means = [normalization.mean.0, normalization.mean.1, normalization.mean.2]
        let stds = [normalization.std.0, normalization.std.1, normalization.std.2]
        // One 256-entry table per channel: a lookup per sample instead of a divide.
        let tables = (0..<3).map { c in (0..<256).map { (Float($0) / 255 - means[c]) / stds[c] } }
        let plane = width * height
        var output = [Float](repeating: 0, count: plane * 3)
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    tables[c].withUnsafeBufferPointer { table in
                        let base = c * plane
                        for i in 0..<plane { dst[base + i] = table[Int(src[i * 3 + c])] }
                    }
                }
            }
        }
        return output
    }

    /// Samples as Float32 in [0, 1], HWC order (the layout of `pixels`), for image-analysis
    /// code. `.linear` undoes the sRGB transfer curve (IEC 61966-2-1), giving values
    /// proportional to light; `.encoded` is simply `v / 255`.
    public func floatHWC(_ transfer: TransferCurve = .linear) -> [Float] {
        let table: [Float] = (0..<256).map { v in
            let encoded = Double(v) / 255
            switch transfer {
            case .encoded: return Float(encoded)
            case .linear:
                return Float(encoded <= 0.04045 ? encoded / 12.92 : pow((encoded + 0.055) / 1.055, 2.4))
            }
        }
        return pixels.map { table[Int($0)] }
    }
}

/// Whether float samples keep the sRGB encoding or are converted to linear light.
public enum TransferCurve: Sendable {
    /// sRGB-encoded values, `v / 255`.
    case encoded
    /// Linear light: the sRGB curve undone.
    case linear
}
