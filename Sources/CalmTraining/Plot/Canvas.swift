import CalmImage

/// An RGB raster to draw plots on: clipped pixels and lines.
struct Canvas {
    let width: Int, height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: RGBColor) {
        (self.width, self.height) = (width, height)
        pixels = RGBImage(width: width, height: height, fill: background).pixels
    }

    mutating func set(_ x: Int, _ y: Int, _ color: RGBColor) {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return }
        let i = (y * width + x) * 3
        (pixels[i], pixels[i + 1], pixels[i + 2]) = (color.red, color.green, color.blue)
    }

    /// A straight line (Bresenham), both ends included.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: RGBColor) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var (x, y, error) = (x0, y0, dx + dy)
        while true {
            set(x, y, color)
            if x == x1 && y == y1 { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }
}
