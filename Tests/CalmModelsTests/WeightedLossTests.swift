import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmModels

/// `MultimodalSample.lossWeight` in `CalmModel.loss`: the weighted loss is each sample's own mean
/// answer loss (the fused cross-entropy, computed alone) times its weight and its share of the
/// batch's answer tokens, summed, in value and in every gradient.
final class WeightedLossTests: XCTestCase {
    func testWeightedLossIsTheTokenShareWeightedSumOfEachSamplesLoss() throws {
        let fixture = try MicroFixture()
        let weights = [2.5, 0.5]
        XCTAssertEqual(fixture.samples.count, weights.count)
        let counts = try MultimodalBatch.shards(samples: fixture.samples, images: fixture.tensors["images"]!, count: fixture.samples.count,
                                                tokenIds: fixture.tokenIds, config: fixture.config).map(\.labeledTokens)
        let total = Double(counts.reduce(0, +))

        func lossAndGradients(_ samples: [MultimodalSample], images: Tensor) throws -> (loss: Double, gradients: [String: [Double]]) {
            let model = try fixture.model()
            let loss = model.loss(try MultimodalBatch(samples: samples, images: images, tokenIds: fixture.tokenIds, config: fixture.config))
            loss.backward()
            return (loss.value.item, Dictionary(uniqueKeysWithValues: model.parameters().compactMap { name, variable in
                variable.grad.map { (name, $0.toDoubles()) }
            }))
        }
        let weighted = try lossAndGradients(zip(fixture.samples, weights).map { sample, weight in
            var sample = sample
            sample.lossWeight = weight
            return sample
        }, images: fixture.tensors["images"]!)
        let alone = try fixture.samples.indices.map { i in
            try lossAndGradients([fixture.samples[i]], images: fixture.tensors["images"]!.slice(axis: 0, i..<i + 1))
        }
        let shares = weights.indices.map { weights[$0] * Double(counts[$0]) / total }
        XCTAssertEqual(weighted.loss, zip(shares, alone).map { $0 * $1.loss }.reduce(0, +), accuracy: 1e-5)
        XCTAssertNotEqual(weighted.loss, (Double(counts[0]) * alone[0].loss + Double(counts[1]) * alone[1].loss) / total, accuracy: 1e-3,
                          "the weights change the loss")
        for (name, gradient) in weighted.gradients {
            let expected = gradient.indices.map { j in zip(shares, alone).map { $0 * ($1.gradients[name]?[j] ?? 0) }.reduce(0, +) }
            let scale = expected.map(abs).max() ?? 0, error = zip(gradient, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(error, 1e-4 * max(scale, 1e-3), "\(name): largest difference \(error) (largest gradient \(scale))")
        }
    }
}
