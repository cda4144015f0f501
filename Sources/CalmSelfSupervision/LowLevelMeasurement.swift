import Foundation

/// Pixel-level ("low" scale) attributes of an image or of one region of it, measured on a
/// `WorkingImage`. Luma `Y'` and channels `R' G' B'` are sRGB-encoded values in [0, 1].
public struct LowLevelMeasurement: Equatable, Sendable {
    /// Mean luma `E[Y']`, in [0, 1].
    public var exposure: Double
    /// Fraction of pixels with `Y' ≥ 0.98` (blown highlights), in [0, 1].
    public var highlightClipping: Double
    /// Fraction of pixels with `Y' ≤ 0.02` (crushed shadows), in [0, 1].
    public var shadowClipping: Double
    /// RMS contrast: the standard deviation of `Y'`, in [0, 0.5].
    public var contrast: Double
    /// Mean HSV saturation `(max − min) / max` of `R' G' B'` over pixels with `max > 0`, in [0, 1].
    public var saturation: Double
    /// Hasler & Süsstrunk (2003) colourfulness on 0–255 values: with `rg = R − G` and
    /// `yb = (R + G)/2 − B`, `M = √(σ²rg + σ²yb) + 0.3·√(μ²rg + μ²yb)` (≈ 15 slightly,
    /// 33 moderately, 59 quite, 82+ highly colourful).
    public var colourfulness: Double
    /// Variance of the 4-neighbour Laplacian of `255·Y'` (grey levels², at working resolution).
    public var sharpness: Double
    /// Immerkær (1996) fast noise estimate: `σ = √(π/2) / (6(W−2)(H−2)) · Σ|Y ∗ N|` with
    /// `N = [1 −2 1; −2 4 −2; 1 −2 1]`, on `255·Y'` (grey levels, at working resolution).
    public var noise: Double
    /// Correlated colour temperature in kelvin by McCamy (1992) of the mean linear sRGB
    /// colour converted to CIE XYZ (D65): `n = (x − 0.3320)/(0.1858 − y)`,
    /// `CCT = 449n³ + 3525n² + 6823.3n + 5520.33`, clamped to [1000, 25000]. Neutral grey ≈ 6500 K;
    /// lower is warmer (redder), higher is cooler (bluer).
    public var temperature: Double
    /// Green–magenta offset `E[G'] − (E[R'] + E[B'])/2`, in [−1, 1]: positive is green,
    /// negative magenta; a warm/cool (red–blue) shift leaves it unchanged.
    public var tint: Double

    /// Measures the rectangle `[x0, x1) × [y0, y1)` of `image` (the whole image by default).
    public init(_ image: WorkingImage, x0: Int = 0, y0: Int = 0, x1: Int? = nil, y1: Int? = nil) {
        let x1 = x1 ?? image.width, y1 = y1 ?? image.height
        let count = Double(max(1, (x1 - x0) * (y1 - y0)))
        var sumY = 0.0, sumY2 = 0.0, highlights = 0.0, shadows = 0.0, saturation = 0.0, saturated = 0.0
        var sumR = 0.0, sumG = 0.0, sumB = 0.0, sumLinear = (0.0, 0.0, 0.0)
        var sumRG = 0.0, sumRG2 = 0.0, sumYB = 0.0, sumYB2 = 0.0
        let pixels = image.image.pixels
        for y in y0..<y1 {
            for x in x0..<x1 {
                let r = Double(image.red[x, y]), g = Double(image.green[x, y]), b = Double(image.blue[x, y])
                let luma = Double(image.luma[x, y])
                sumY += luma; sumY2 += luma * luma
                if luma >= 0.98 { highlights += 1 }
                if luma <= 0.02 { shadows += 1 }
                let high = max(r, g, b)
                if high > 0 { saturation += (high - min(r, g, b)) / high; saturated += 1 }
                sumR += r; sumG += g; sumB += b
                let p = (y * image.width + x) * 3
                sumLinear.0 += linearTable[Int(pixels[p])]
                sumLinear.1 += linearTable[Int(pixels[p + 1])]
                sumLinear.2 += linearTable[Int(pixels[p + 2])]
                let rg = 255 * (r - g), yb = 255 * ((r + g) / 2 - b)
                sumRG += rg; sumRG2 += rg * rg; sumYB += yb; sumYB2 += yb * yb
            }
        }
        exposure = sumY / count
        contrast = max(0, sumY2 / count - exposure * exposure).squareRoot()
        highlightClipping = highlights / count
        shadowClipping = shadows / count
        self.saturation = saturated > 0 ? saturation / saturated : 0
        let meanRG = sumRG / count, meanYB = sumYB / count
        let varRG = max(0, sumRG2 / count - meanRG * meanRG), varYB = max(0, sumYB2 / count - meanYB * meanYB)
        colourfulness = (varRG + varYB).squareRoot() + 0.3 * (meanRG * meanRG + meanYB * meanYB).squareRoot()
        tint = (sumG - (sumR + sumB) / 2) / count
        temperature = mcCamyTemperature(red: sumLinear.0 / count, green: sumLinear.1 / count, blue: sumLinear.2 / count)
        (sharpness, noise) = laplacianStatistics(image.luma, x0: x0, y0: y0, x1: x1, y1: y1)
    }

    /// The attributes whose value is one of these fields (of the whole image).
    public static let attributes: [Attribute] = [.exposure, .highlights, .shadows, .contrast, .saturation,
                                                 .colourfulness, .sharpness, .noise, .temperature, .tint]

    /// The field behind `attribute`'s level (nil for the attributes not in `attributes`).
    public func value(_ attribute: Attribute) -> Double? {
        switch attribute {
        case .exposure: return exposure
        case .highlights: return highlightClipping
        case .shadows: return shadowClipping
        case .contrast: return contrast
        case .saturation: return saturation
        case .colourfulness: return colourfulness
        case .sharpness: return sharpness
        case .noise: return noise
        case .temperature: return temperature
        case .tint: return tint
        default: return nil
        }
    }
}

/// The sRGB transfer curve undone (IEC 61966-2-1).
@inlinable func srgbToLinear(_ v: Double) -> Double {
    v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
}

/// `srgbToLinear` of each 8-bit value.
let linearTable: [Double] = (0..<256).map { srgbToLinear(Double($0) / 255) }

/// McCamy's CCT of a linear sRGB colour (see `LowLevelMeasurement.temperature`).
func mcCamyTemperature(red: Double, green: Double, blue: Double) -> Double {
    let x = 0.4124 * red + 0.3576 * green + 0.1805 * blue
    let y = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    let z = 0.0193 * red + 0.1192 * green + 0.9505 * blue
    let total = x + y + z
    guard total > 1e-9 else { return 6500 }
    let n = (x / total - 0.3320) / (0.1858 - y / total)
    let cct = 449 * n * n * n + 3525 * n * n + 6823.3 * n + 5520.33
    return min(max(cct, 1000), 25000)
}

/// Variance of the Laplacian and Immerkær's noise sigma of `255·luma` over the interior of a
/// rectangle (both 0 when it is narrower than 3 pixels).
func laplacianStatistics(_ luma: Plane, x0: Int, y0: Int, x1: Int, y1: Int) -> (sharpness: Double, noise: Double) {
    guard x1 - x0 >= 3, y1 - y0 >= 3 else { return (0, 0) }
    let w = luma.width
    var sum = 0.0, sum2 = 0.0, absNoise = 0.0
    luma.values.withUnsafeBufferPointer { v in
        for y in (y0 + 1)..<(y1 - 1) {
            for x in (x0 + 1)..<(x1 - 1) {
                let i = y * w + x
                let edges = v[i - 1] + v[i + 1] + v[i - w] + v[i + w]
                let corners = v[i - w - 1] + v[i - w + 1] + v[i + w - 1] + v[i + w + 1]
                let laplacian = 255 * Double(4 * v[i] - edges)
                sum += laplacian; sum2 += laplacian * laplacian
                absNoise += abs(255 * Double(4 * v[i] - 2 * edges + corners))
            }
        }
    }
    let count = Double((x1 - x0 - 2) * (y1 - y0 - 2))
    let mean = sum / count
    return (max(0, sum2 / count - mean * mean), (Double.pi / 2).squareRoot() * absNoise / (6 * count))
}

/// Low-level attributes of the whole image and of each cell of a 3×3 grid.
public struct LowLevelProfile: Equatable, Sendable {
    public var global: LowLevelMeasurement
    /// Row-major cells: top-left, top-centre, top-right, …, bottom-right.
    public var cells: [LowLevelMeasurement]

    public init(_ image: WorkingImage) {
        global = LowLevelMeasurement(image)
        cells = (0..<9).map { cell in
            let (row, column) = cell.quotientAndRemainder(dividingBy: 3)
            return LowLevelMeasurement(image, x0: column * image.width / 3, y0: row * image.height / 3,
                                       x1: (column + 1) * image.width / 3, y1: (row + 1) * image.height / 3)
        }
    }

    /// Names of the grid cells, in `cells` order.
    public static let cellNames = ["top left", "top", "top right", "left", "centre", "right",
                                   "bottom left", "bottom", "bottom right"]
}
