import Foundation

/// Composition ("middle" scale) attributes, from the saliency map and the luma edges of a
/// `WorkingImage`. Positions are fractions of width and height.
public struct MidLevelMeasurement: Equatable, Sendable {
    /// Saliency centroid, fractions of width and height (see `SaliencyMap.centroid`).
    public var subjectX: Double, subjectY: Double
    /// Distance from the subject centroid to the nearest rule-of-thirds power point
    /// (1/3 or 2/3 on each axis), in fractions of the axes: `min √(Δx² + Δy²)`, in [0, 0.47].
    public var thirdsDistance: Double
    /// Distance from the subject centroid to the image centre, same units.
    public var centreDistance: Double
    /// Left–right symmetry: Pearson correlation between the 64×64 luma and its mirror image,
    /// in [−1, 1] (1 for a featureless image).
    public var symmetry: Double
    /// Horizon tilt in degrees, positive counter-clockwise (a line rising to the right): the
    /// dominant orientation of strong edges modulo 90°, from the magnitude²-weighted mean of
    /// `exp(4iθ)` over Sobel gradient angles θ of the strongest 10 % of pixels (the fourfold
    /// angle makes horizontal and vertical lines agree), after a σ = 1 px Gaussian blur. In (−45, 45].
    public var tilt: Double
    /// How strongly the edges agree on that orientation: `|Σ w·exp(4iθ)| / Σ w`, in [0, 1].
    public var lineCoherence: Double
    /// Depth of field as subject/background sharpness: `log2((L_s + 1) / (L_b + 1))` with `L` the
    /// mean squared Laplacian of `255·Y'` inside / outside the salient region (saliency ≥ 0.5).
    /// Large positive: a sharp subject on a soft background (shallow depth of field).
    public var depthOfField: Double
    /// Left–right visual weight balance `(W_right − W_left) / (W_right + W_left)` of the saliency
    /// map, in [−1, 1]: negative when the left half carries more weight.
    public var horizontalBalance: Double
    /// Top–bottom balance `(W_bottom − W_top) / (W_bottom + W_top)`, in [−1, 1].
    public var verticalBalance: Double
    /// Clutter: edge density, the fraction of pixels whose Sobel gradient magnitude of `Y'`
    /// exceeds 0.05 (luma units per pixel), in [0, 1].
    public var clutter: Double

    public init(_ image: WorkingImage, saliency: SaliencyMap) {
        let centroid = saliency.centroid
        subjectX = centroid.x
        subjectY = centroid.y
        (thirdsDistance, centreDistance) = powerPointDistances(centroid)
        symmetry = mirrorSymmetry(image.luma)
        (horizontalBalance, verticalBalance) = weightBalance(saliency.map)
        clutter = edgeDensity(image.luma)
        (tilt, lineCoherence) = horizonTilt(image.luma)
        depthOfField = subjectSharpnessRatio(image.luma, saliency: saliency.map)
    }

    /// The value behind a composition attribute's level (see `ImageAttributes.value`); nil for
    /// the other scales' attributes.
    public func value(_ attribute: Attribute) -> Double? {
        switch attribute {
        case .placement: return thirdsDistance
        case .symmetry: return symmetry
        case .tilt: return tiltMagnitude(degrees: tilt, coherence: lineCoherence)
        case .depthOfField: return depthOfField
        case .horizontalBalance: return horizontalBalance
        case .verticalBalance: return verticalBalance
        case .clutter: return clutter
        default: return nil
        }
    }

    /// Placement's level, which is categorical: centred within 0.12 of the centre, else "on a
    /// third" within 0.12 of a power point, else off-centre.
    public var placementLevel: String { Self.placementLevel(thirdsDistance: thirdsDistance, centreDistance: centreDistance) }

    static func placementLevel(thirdsDistance: Double, centreDistance: Double) -> String {
        if centreDistance < 0.12 { return "centred" }
        return thirdsDistance < 0.12 ? "on a third" : "off-centre"
    }

    /// `MidLevelMeasurement(image, saliency: SaliencyMap(luma: image.luma)).value(attribute)`,
    /// computing only what the attribute needs: the 64 px luma for symmetry, the edges for clutter
    /// and tilt, the saliency map for the others (single-attribute labels and targeting measure
    /// this way, up to 9 windows a sample). Nil for the other scales' attributes.
    static func value(_ attribute: Attribute, of image: WorkingImage) -> Double? {
        switch attribute {
        case .symmetry: return mirrorSymmetry(image.luma)
        case .clutter: return edgeDensity(image.luma)
        case .tilt:
            let (degrees, coherence) = horizonTilt(image.luma)
            return tiltMagnitude(degrees: degrees, coherence: coherence)
        case .placement: return powerPointDistances(SaliencyMap(luma: image.luma).centroid).thirds
        case .depthOfField: return subjectSharpnessRatio(image.luma, saliency: SaliencyMap(luma: image.luma).map)
        case .horizontalBalance: return weightBalance(SaliencyMap(luma: image.luma).map).horizontal
        case .verticalBalance: return weightBalance(SaliencyMap(luma: image.luma).map).vertical
        default: return nil
        }
    }

    /// Placement's level of `image`, from its saliency alone.
    static func placementLevel(of image: WorkingImage) -> String {
        let (thirds, centre) = powerPointDistances(SaliencyMap(luma: image.luma).centroid)
        return placementLevel(thirdsDistance: thirds, centreDistance: centre)
    }
}

/// `thirdsDistance` and `centreDistance` of a subject centroid.
func powerPointDistances(_ centroid: (x: Double, y: Double)) -> (thirds: Double, centre: Double) {
    let thirds = [1.0 / 3, 2.0 / 3]
    return (thirds.flatMap { px in thirds.map { py in hypot(centroid.x - px, centroid.y - py) } }.min()!,
            hypot(centroid.x - 0.5, centroid.y - 0.5))
}

/// `MidLevelMeasurement.symmetry` of a luma plane.
func mirrorSymmetry(_ luma: Plane) -> Double {
    mirrorCorrelation(luma.areaResized(width: SaliencyMap.size, height: SaliencyMap.size))
}

/// `MidLevelMeasurement.clutter` of a luma plane.
func edgeDensity(_ luma: Plane) -> Double {
    let (gx, gy) = luma.sobel()
    let magnitudes = zip(gx.values, gy.values).map { ($0 * $0 + $1 * $1).squareRoot() }
    return Double(magnitudes.filter { $0 > 0.05 }.count) / Double(max(1, magnitudes.count))
}

func mirrorCorrelation(_ plane: Plane) -> Double {
    let n = Double(plane.values.count), mean = plane.mean
    var covariance = 0.0, variance = 0.0
    for y in 0..<plane.height {
        for x in 0..<plane.width {
            let a = Double(plane[x, y]) - mean, b = Double(plane[plane.width - 1 - x, y]) - mean
            covariance += a * b
            variance += a * a
        }
    }
    return variance / n > 1e-8 ? covariance / variance : 1
}

func weightBalance(_ map: Plane) -> (horizontal: Double, vertical: Double) {
    var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
    for y in 0..<map.height {
        for x in 0..<map.width {
            let w = Double(map[x, y])
            if 2 * x < map.width { left += w } else { right += w }
            if 2 * y < map.height { top += w } else { bottom += w }
        }
    }
    return (left + right > 0 ? (right - left) / (right + left) : 0,
            top + bottom > 0 ? (bottom - top) / (bottom + top) : 0)
}

/// `MidLevelMeasurement.tilt` and `lineCoherence` of a luma plane.
func horizonTilt(_ luma: Plane) -> (degrees: Double, coherence: Double) {
    // Sobel angles are biased towards the axes on one-pixel-wide edges; a σ = 1 px blur first
    // widens them enough for sub-degree orientation.
    let (gx, gy) = luma.gaussianBlurred(sigma: 1).sobel()
    return dominantTilt(gx: gx, gy: gy)
}

/// The tilt attribute's value: the magnitude in degrees, taken as 0 when the edges agree on no
/// orientation (line coherence below 0.3: no line to be tilted).
func tiltMagnitude(degrees: Double, coherence: Double) -> Double {
    coherence >= 0.3 ? abs(degrees) : 0
}

func dominantTilt(gx: Plane, gy: Plane) -> (degrees: Double, coherence: Double) {
    let magnitudes = zip(gx.values, gy.values).map { ($0 * $0 + $1 * $1).squareRoot() }
    guard let top = magnitudes.max(), top > 1e-4 else { return (0, 0) }
    let threshold = max(quantile(magnitudes, 0.9, upTo: top), top * 0.05)
    var sumSin = 0.0, sumCos = 0.0, total = 0.0
    for i in 0..<magnitudes.count where magnitudes[i] >= threshold {
        let w = Double(magnitudes[i] * magnitudes[i])
        // Image y points down; the angle is measured in that frame, and the sign flipped at
        // the end so that counter-clockwise (as seen) is positive.
        let theta = atan2(Double(gy.values[i]), Double(gx.values[i]))
        sumSin += w * sin(4 * theta)
        sumCos += w * cos(4 * theta)
        total += w
    }
    let degrees = -atan2(sumSin, sumCos) / 4 * 180 / Double.pi
    return (degrees == -45 ? 45 : degrees, total > 0 ? hypot(sumSin, sumCos) / total : 0)
}

/// The `q`-quantile of non-negative values at most `top`, to 1/1024 of `top`, from a histogram
/// (a full sort of every pixel's magnitude would dominate the cost of the measurement).
func quantile(_ values: [Float], _ q: Double, upTo top: Float) -> Float {
    let bins = 1024
    var histogram = [Int](repeating: 0, count: bins)
    for v in values { histogram[min(Int(v / top * Float(bins)), bins - 1)] += 1 }
    let rank = Int(q * Double(values.count - 1))
    var seen = 0
    for (bin, count) in histogram.enumerated() {
        seen += count
        if seen > rank { return top * Float(bin) / Float(bins) }
    }
    return top
}

func subjectSharpnessRatio(_ luma: Plane, saliency: Plane) -> Double {
    let laplacian = luma.laplacian()
    guard laplacian.width > 0 else { return 0 }
    var inside = (0.0, 0.0), outside = (0.0, 0.0)
    for y in 0..<laplacian.height {
        for x in 0..<laplacian.width {
            // The Laplacian pixel (x, y) sits at luma pixel (x+1, y+1); look up its saliency cell.
            let sx = (x + 1) * saliency.width / luma.width, sy = (y + 1) * saliency.height / luma.height
            let energy = pow(255 * Double(laplacian[x, y]), 2)
            if saliency[sx, sy] >= 0.5 { inside.0 += energy; inside.1 += 1 } else { outside.0 += energy; outside.1 += 1 }
        }
    }
    guard inside.1 > 0, outside.1 > 0 else { return 0 }
    return log2((inside.0 / inside.1 + 1) / (outside.0 / outside.1 + 1))
}
