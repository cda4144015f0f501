import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast generator whose whole state is one
/// word, so a sample's randomness is a pure function of its seed on every platform.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator for one image in one epoch: FNV-1a of the id's UTF-8 bytes, mixed
    /// with the epoch, so a given (image id, epoch) always draws the same numbers.
    public init(imageID: String, epoch: Int) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in imageID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        self.init(seed: hash ^ (UInt64(bitPattern: Int64(epoch)) &* 0x9e37_79b9_7f4a_7c15))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func nextGaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
