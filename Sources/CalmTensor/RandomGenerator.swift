import Foundation

/// xoshiro256** (Blackman & Vigna): a fast, deterministic, seedable generator whose whole
/// state is four integers, so checkpoints save and restore it exactly.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The complete state; restoring it replays the same sequence.
    public var state: [UInt64]

    /// A generator seeded by expanding `seed` with splitmix64 (as the xoshiro authors advise).
    public init(seed: UInt64) {
        var x = seed
        state = (0..<4).map { _ in
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A generator resuming from a saved `state`.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "RandomGenerator: state must be 4 words, not all zero")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A pair of independent standard normals (Box–Muller).
    public mutating func nextNormalPair() -> (Double, Double) {
        let u1 = 1 - nextUniform()  // in (0, 1], so log is finite
        let u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        return (r * Foundation.cos(theta), r * Foundation.sin(theta))
    }
}

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               using rng: inout RandomGenerator) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in low + (high - low) * rng.nextUniform() }
        return Tensor(values, shape: shape).to(dtype)
    }

    /// Normal samples with `mean` and `std`.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Double]()
        values.reserveCapacity(n + 1)
        while values.count < n {
            let (a, b) = rng.nextNormalPair()
            values.append(mean + std * a)
            values.append(mean + std * b)
        }
        return Tensor(Array(values.prefix(n)), shape: shape).to(dtype)
    }
}
