/// An 8-bit RGB image: interleaved samples, rows top to bottom, no padding.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` samples: R, G, B of pixel (0, 0), then (1, 0), ...
    public var pixels: [UInt8]

    /// Wraps existing samples; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) samples for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: RGBColor) {
        var pixels = [UInt8](repeating: fill.red, count: width * height * 3)
        if fill.green != fill.red || fill.blue != fill.red {
            pixels.withUnsafeMutableBufferPointer { samples in
                for i in stride(from: 0, to: samples.count, by: 3) {
                    samples[i + 1] = fill.green
                    samples[i + 2] = fill.blue
                }
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The colour of pixel (x, y); for tests and small tools, not for inner loops.
    public subscript(x: Int, y: Int) -> RGBColor {
        let i = (y * width + x) * 3
        return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }
}

/// One 8-bit RGB colour (used for padding fills).
public struct RGBColor: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// (0, 0, 0): the default padding.
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
}
