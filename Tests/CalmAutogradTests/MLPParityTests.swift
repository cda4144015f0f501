import XCTest
import CalmAutograd
import CalmTensor

/// A two-layer tanh MLP with an MSE loss: loss and every parameter gradient against PyTorch
/// (Fixtures/mlp.safetensors from Scripts/fixtures/basic_ops.py).
final class MLPParityTests: XCTestCase {
    func testLossAndAllGradientsMatchPyTorch() throws {
        let fixture = try SafeTensors.read(Bundle.module.url(forResource: "Fixtures/mlp", withExtension: "safetensors")!)
        let names = ["w1", "b1", "w2", "b2"]
        let params = Dictionary(uniqueKeysWithValues: names.map { ($0, Variable.parameter(fixture[$0]!, name: $0)) })
        let x = Variable(fixture["x"]!), y = Variable(fixture["y"]!)

        let hidden = (x.matmul(params["w1"]!) + params["b1"]!).tanh()
        let loss = (hidden.matmul(params["w2"]!) + params["b2"]! - y).pow(2).mean()
        XCTAssertEqual(loss.value.item, fixture["loss"]!.item, accuracy: 1e-6 * Swift.max(1, abs(fixture["loss"]!.item)))

        loss.backward()
        for name in names {
            let grad = try XCTUnwrap(params[name]!.grad, name)
            let expected = fixture["grad.\(name)"]!
            XCTAssertEqual(grad.shape, expected.shape, name)
            for (a, e) in zip(grad.toDoubles(), expected.toDoubles()) {
                XCTAssertEqual(a, e, accuracy: 1e-5 + 1e-4 * abs(e), "grad of \(name)")
            }
        }
    }
}
