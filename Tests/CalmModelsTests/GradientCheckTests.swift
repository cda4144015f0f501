import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmModels

/// Central finite differences in float64 through the whole CALM forward pass (vision, MFAM,
/// routing, Llama, loss) against the backward pass, on a random subset of parameter elements.
final class GradientCheckTests: XCTestCase {
    func testFullModelGradientsMatchFiniteDifferences() throws {
        let fixture = try MicroFixture(), model = try fixture.model()
        let parameters = model.parameters()
        for (_, variable) in parameters { variable.value = variable.value.to(.float64).contiguous() }
        let raw = try fixture.batch()
        let batch = try MultimodalBatch(samples: fixture.samples, images: raw.images.to(.float64), tokenIds: fixture.tokenIds,
                                        config: fixture.config)
        model.loss(batch).backward()

        var rng = RandomGenerator(seed: 11)
        // Two elements of each of a dozen parameters drawn across the model.
        let chosen = (0..<12).map { _ in parameters[Int(rng.next() % UInt64(parameters.count))] }
        for (name, variable) in chosen {
            for _ in 0..<2 {
                let i = Int(rng.next() % UInt64(variable.value.count))
                let numeric = centralDifference(variable, at: i) { model.loss(batch) }, analytic = variable.grad!.toDoubles()[i]
                XCTAssertEqual(analytic, numeric, accuracy: 1e-6 + 1e-5 * abs(numeric), "\(name)[\(i)]")
            }
        }
    }
}
