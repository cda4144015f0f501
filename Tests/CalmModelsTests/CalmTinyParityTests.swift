import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmModels

/// The full calm-tiny (exact reference widths and depths) against the PyTorch peer, and its
/// float64 gradients against central finite differences.
final class CalmTinyParityTests: XCTestCase {
    /// Float32 here against the peer's float64 run from the same float32 weights.
    func testLogitsLossAndEveryGradientMatchThePeer() throws {
        let fixture = try CalmTinyFullFixture.load(), model = fixture.model(), batch = try fixture.batch()
        XCTAssertEqual(model.parameterCount, 11_924_736)

        let logits = noGrad { model.logits(batch) }
        XCTAssertEqual(logits.shape, fixture.logitShape)
        let vocabulary = fixture.config.language.vocabularySize, rows = logits.value.toDoubles()
        let sampled = fixture.sampledIndices(vocabulary)
        for position in 0..<rows.count / vocabulary {
            let row = rows[position * vocabulary..<(position + 1) * vocabulary]
            let what = "logits at position \(position)"
            // Float32 rounding of ~unit logits is ~1e-6 each; a sum over 4096 of them drifts ~1e-4.
            XCTAssertEqual(row.reduce(0, +), fixture.logits.sum[position], accuracy: 1e-3, what)
            let squares = row.reduce(0) { $0 + $1 * $1 }, expected = fixture.logits.sumOfSquares[position]
            XCTAssertEqual(squares, expected, accuracy: 1e-5 * expected, what)
            XCTAssertEqual(row.max()!, fixture.logits.max[position], accuracy: 1e-4, what)
            for (k, i) in sampled.enumerated() {
                XCTAssertEqual(row[row.startIndex + i], fixture.logits.sampled[position][k], accuracy: 1e-4, "\(what), id \(i)")
            }
        }

        let loss = model.loss(batch)
        XCTAssertEqual(loss.value.item, fixture.loss, accuracy: 1e-5)
        loss.backward()
        let parameters = model.parameters()
        XCTAssertEqual(Set(parameters.map(\.name)), Set(fixture.gradients.keys))
        for (name, variable) in parameters {
            guard let expected = fixture.gradients[name], let grad = variable.grad?.toDoubles() else {
                XCTFail("\(name): no gradient"); continue
            }
            assertMatches(grad, expected, sampled: fixture.sampledIndices(grad.count), name)
        }
    }

    /// Relative 1e-3, with an absolute floor tied to the gradient's own scale: a statistic that
    /// cancels (the key biases' gradients are zero in exact arithmetic) is float32 noise of the
    /// summed terms, not a relative error.
    private func assertMatches(_ grad: [Double], _ expected: CalmTinyFullFixture.Gradient, sampled: [Int], _ name: String) {
        let norm = expected.sumOfSquares.squareRoot(), floor = 1e-7
        let sum = grad.reduce(0, +), squares = grad.reduce(0) { $0 + $1 * $1 }
        let maxAbs = grad.reduce(0) { max($0, abs($1)) }
        XCTAssertEqual(sum, expected.sum, accuracy: 1e-3 * abs(expected.sum) + 1e-4 * norm + floor, "\(name): sum")
        XCTAssertEqual(squares, expected.sumOfSquares, accuracy: 1e-3 * expected.sumOfSquares + floor, "\(name): sum of squares")
        XCTAssertEqual(maxAbs, expected.maxAbs, accuracy: 1e-3 * expected.maxAbs + floor, "\(name): max |g|")
        for (k, i) in sampled.enumerated() {
            let value = expected.sampled[k]
            XCTAssertEqual(grad[i], value, accuracy: 1e-3 * abs(value) + 1e-4 * expected.maxAbs + floor, "\(name)[\(i)]")
        }
    }

    /// Central differences in float64 through vision, every MFAM branch, routing and the Llama,
    /// at a random element of each listed parameter (one whose gradient is not negligible, so
    /// that a zero gradient cannot pass for a match).
    func testFloat64GradientsMatchFiniteDifferences() throws {
        let fixture = try CalmTinyFullFixture.load(), model = fixture.model(.float64)
        let batch = try fixture.batch(.float64)
        model.loss(batch).backward()
        let table = model.parameterTable()
        let names = [
            "vision.patch_embed.weight", "vision.positions", "vision.blocks.1.attn.qkv.weight", "vision.blocks.5.mlp.fc1.bias",
            "mfam.low.queries", "mfam.middle.layers.1.cross_attn.v.weight", "mfam.high.layers.0.mlp.fc2.weight",
            "mfam.high.proj.bias", "mfam.thematic.fc1.weight", "mfam.thematic.fc2.bias",
            "llm.embed.weight", "llm.layers.0.attn.q.weight", "llm.layers.3.mlp.down.weight", "llm.norm.weight",
            "llm.lm_head.weight",
        ]
        var rng = RandomGenerator(seed: 5)
        for name in names {
            let variable = try XCTUnwrap(table[name], name), grad = try XCTUnwrap(variable.grad, name).toDoubles()
            let largest = grad.reduce(0) { max($0, abs($1)) }
            XCTAssertGreaterThan(largest, 0, name)
            let candidates = grad.indices.filter { abs(grad[$0]) >= 1e-2 * largest }
            let i = candidates[Int(rng.next() % UInt64(candidates.count))]
            let numeric = centralDifference(variable, at: i) { model.loss(batch) }
            XCTAssertEqual(grad[i], numeric, accuracy: 1e-8 + 1e-6 * abs(numeric), "\(name)[\(i)]")
        }
    }
}
