/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seedable generator whose whole state is one
/// integer, so reader positions and per-sample streams are trivially serializable.
public struct SplitMix64: RandomNumberGenerator, Codable, Equatable, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for a tuple of keys, e.g. (seed, epoch, sample index).
    public init(keys: UInt64...) {
        var mixer = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        for key in keys { mixer.state ^= key; _ = mixer.next() }
        self.init(seed: mixer.next())
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound without modulo bias (Lemire's method); ours rather than the
    /// standard library's so that sequences never change with the Swift version.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform Float in [0, 1).
    public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Shuffles `items` in place (Fisher–Yates).
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, below(i + 1)) }
    }
}
