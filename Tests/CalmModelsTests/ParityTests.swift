import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmModels

/// Our CALM against the PyTorch peer (Scripts/peer/calm_torch.py) on the micro fixtures.
final class ParityTests: XCTestCase {
    func testBatchLayoutMatchesThePeer() throws {
        let fixture = try MicroFixture(), batch = try fixture.batch()
        XCTAssertEqual(batch.tokens.toArray(Int64.self), fixture.tensors["tokens"]!.toArray(Int64.self))
        XCTAssertEqual(batch.labels.toArray(Int64.self), fixture.tensors["labels"]!.toArray(Int64.self))
        XCTAssertEqual(batch.routingMask?.toArray(UInt8.self), fixture.tensors["routing_mask"]!.toArray(UInt8.self))
        // Each <image> becomes 4 introducers, 3·4 query slots and 3·3 thematic slots.
        XCTAssertEqual(batch.lengths, [11 - 1 + 4 + 3 * 4 + 9, 7 - 1 + 4 + 3 * 4 + 9])
    }

    func testLogitsLossAndEveryGradientMatchThePeer() throws {
        for name in MicroFixture.names { try assertMatchesThePeer(try MicroFixture(name)) }
    }

    private func assertMatchesThePeer(_ fixture: MicroFixture) throws {
        let model = try fixture.model(), batch = try fixture.batch()
        let logits = noGrad { model.logits(batch) }
        assertClose(logits.value, fixture.tensors["logits"]!, atol: 1e-4, rtol: 1e-4, "\(fixture.name): logits")
        XCTAssertEqual(logits.crossEntropy(targets: batch.labels).value.item, fixture.tensors["loss"]!.item, accuracy: 1e-5, fixture.name)
        // The training loss sends only the answer rows through the output head; same value, same gradients.
        let loss = model.loss(batch)
        XCTAssertEqual(loss.value.item, fixture.tensors["loss"]!.item, accuracy: 1e-5, fixture.name)
        loss.backward()
        let parameters = model.parameters()
        XCTAssertEqual(Set(parameters.map { "grad." + $0.name }), Set(fixture.tensors.keys.filter { $0.hasPrefix("grad.") }), fixture.name)
        for (name, variable) in parameters {
            let expected = fixture.tensors["grad." + name]!
            guard let grad = variable.grad else { XCTFail("\(fixture.name): \(name): no gradient"); continue }
            assertClose(grad, expected, atol: 2e-5, rtol: 1e-3, "\(fixture.name): \(name)")
        }
    }
}

/// |a - b| ≤ atol + rtol·|b| elementwise, reporting the worst element.
func assertClose(_ a: Tensor, _ b: Tensor, atol: Double, rtol: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
    let x = a.toDoubles(), y = b.toDoubles()
    var worst = (excess: 0.0, index: -1)
    for i in 0..<min(x.count, y.count) {
        let excess = abs(x[i] - y[i]) - (atol + rtol * abs(y[i]))
        if excess > worst.excess { worst = (excess, i) }
    }
    if worst.index >= 0 {
        XCTFail("\(what): element \(worst.index) is \(x[worst.index]), expected \(y[worst.index])", file: file, line: line)
    }
}
