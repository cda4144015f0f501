import CalmNN
import CalmTensor
import Foundation
@testable import CalmModels

/// The full calm-tiny parity fixture written by Scripts/fixtures/calm_tiny_full.py: weights and
/// images from a closed-form hash computed here exactly as in the script, and the PyTorch peer's
/// summaries of the logits and of every gradient.
struct CalmTinyFullFixture: Decodable {
    /// Per position [B·T]: the logits' sum, sum of squares, max, and entries at `sampledIndices(V)`.
    struct Logits: Decodable { let sum: [Double], sumOfSquares: [Double], max: [Double], sampled: [[Double]] }
    /// One parameter's gradient: sum, sum of squares, max |g| and elements at `sampledIndices(count)`.
    struct Gradient: Decodable { let sum: Double, sumOfSquares: Double, maxAbs: Double, sampled: [Double] }

    let config: CalmConfig
    private let samples: [FixtureSample]
    private let tokenIds: [String: Int]
    private let imageKey: Int
    private let sampledCount: Int
    let loss: Double
    let logitShape: [Int]
    let logits: Logits
    let gradients: [String: Gradient]

    static func load() throws -> CalmTinyFullFixture {
        let url = Bundle.module.url(forResource: "calm_tiny_full", withExtension: "json", subdirectory: "Fixtures")!
        return try JSONDecoder().decode(CalmTinyFullFixture.self, from: Data(contentsOf: url))
    }

    /// n values uniform in [−1, 1): MurmurHash3's fmix64 of (key << 32 | i), as the script's `hash_uniform`.
    static func hashUniform(key: Int, count: Int) -> [Double] {
        (0..<count).map { i in
            var x = UInt64(key) << 32 | UInt64(i)
            x ^= x >> 33
            x = x &* 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 33
            x = x &* 0xC4CE_B9FE_1A85_EC53
            x ^= x >> 33
            return Double(x >> 11) * 0x1p-52 - 1
        }
    }

    /// Weights are center + spread · u (the script's `center_and_spread`).
    static func centerAndSpread(name: String, shape: [Int]) -> (center: Double, spread: Double) {
        let parts = name.split(separator: ".")
        let last = parts[parts.count - 1], owner = parts[parts.count - 2]
        if last == "bias" { return (0, 0.05) }
        if shape.count == 1 && owner.contains("norm") { return (1, 0.1) }
        if last != "weight" || owner == "embed" { return (0, 1) }
        return (0, 1.5 / Double(shape.dropFirst().reduce(1, *)).squareRoot())
    }

    /// `sampledCount` indices spread over 0..<n, first and last included.
    func sampledIndices(_ n: Int) -> [Int] { (0..<sampledCount).map { $0 * (n - 1) / (sampledCount - 1) } }

    /// calm-tiny with the formula's float32 weights, stored as `dtype`.
    func model(_ dtype: DType = .float32) -> CalmModel {
        let model = CalmModel(config, initializer: .zeros)
        let table = model.parameterTable()
        for (p, name) in table.keys.sorted().enumerated() {
            let variable = table[name]!, shape = variable.shape
            let (center, spread) = Self.centerAndSpread(name: name, shape: shape)
            let values = Self.hashUniform(key: p, count: variable.value.count).map { Float(center + spread * $0) }
            variable.value = Tensor(values, shape: shape).to(dtype)
        }
        return model
    }

    /// The fixture's samples with their images, as `dtype`.
    func batch(_ dtype: DType = .float32) throws -> MultimodalBatch {
        let s = config.vision.imageSize, count = samples.count
        let pixels = (0..<count).flatMap { Self.hashUniform(key: imageKey + $0, count: 3 * s * s).map { Float($0) } }
        return try MultimodalBatch(samples: samples.map(\.sample), images: Tensor(pixels, shape: [count, 3, s, s]).to(dtype),
                                   tokenIds: CalmTokenIds(tokenIds), config: config)
    }
}
