import XCTest
@testable import CalmAutograd
import CalmKernels

/// The fused C kernels on raw arrays, below the autodiff engine: float32 against the
/// PyTorch fixtures, float64 backward passes against central finite differences.
final class NNKernelTests: XCTestCase {
    /// Composite specs that only the engine-level parity test can run.
    static let engineOnly: Set<String> = ["transformer_block"]

    func testFloat32KernelsMatchPyTorch() throws {
        let fixtures = try NNFixtures.load()
        for spec in fixtures.specs where !Self.engineOnly.contains(spec.op) {
            let inputs = try fixtures.inputs(spec)
            let cotangent = try fixtures.tensor(spec, "cotangent", 0).values.map(Float.init)
            let result = try runKernels(spec, inputs, floats: inputs.map { $0.isFloat ? $0.values.map(Float.init) : [] },
                                        cotangent: cotangent)
            assertClose(result.output, try fixtures.tensor(spec, "output", 0).values, "\(spec.name) output")
            for (i, input) in inputs.enumerated() where input.isFloat {
                assertClose(result.grads[i] ?? [], try fixtures.tensor(spec, "grad", i).values, "\(spec.name) grad \(i)")
            }
        }
    }

    func testFloat64BackwardMatchesFiniteDifferences() throws {
        let fixtures = try NNFixtures.load()
        for spec in fixtures.specs where !Self.engineOnly.contains(spec.op) {
            let inputs = try fixtures.inputs(spec)
            let cotangent = try fixtures.tensor(spec, "cotangent", 0).values
            var floats = inputs.map { $0.isFloat ? $0.values : [] }
            let analytic = try runKernels(spec, inputs, floats: floats, cotangent: cotangent).grads
            func loss() throws -> Double {
                zip(try runKernels(spec, inputs, floats: floats, cotangent: cotangent).output, cotangent)
                    .reduce(0) { $0 + $1.0 * $1.1 }
            }
            let h = 1e-6
            for i in inputs.indices where inputs[i].isFloat {
                var numeric = [Double](repeating: 0, count: floats[i].count)
                for e in numeric.indices {
                    let saved = floats[i][e]
                    floats[i][e] = saved + h
                    let plus = try loss()
                    floats[i][e] = saved - h
                    let minus = try loss()
                    floats[i][e] = saved
                    numeric[e] = (plus - minus) / (2 * h)
                }
                assertClose(analytic[i] ?? [], numeric, "\(spec.name) d/d input \(i)", tolerance: 1e-6)
            }
        }
    }

    func testKernelsRejectOutOfRangeIds() {
        let table = [Float](repeating: 1, count: 6), ids: [Int64] = [0, 2, 3, 1]
        var out = [Float](repeating: 0, count: 8)
        XCTAssertEqual(Float.nn.embeddingI64(ids, 4, table, 3, 2, &out), 2, "position of the first id >= vocab")
        var loss: Float = 0, lse = [Float](repeating: 0, count: 2), count = 0
        let targets: [Int32] = [1, -7]
        XCTAssertEqual(Float.nn.crossEntropyI32(table, targets, 2, 3, -100, &loss, &lse, &count), 1)
    }

    func testFullyMaskedAttentionRowIsZero() {
        // Row 1 of the mask attends nowhere: its output and all gradients through it are 0.
        let mask: [UInt8] = [1, 0, 0, 0]
        var params = calm_nn_attention_params(batch: 1, q_heads: 1, kv_heads: 1, q_len: 2, kv_len: 2, head_dim: 1,
                                              value_dim: 1, scale: 1, causal: 0, mask: nil,
                                              mask_batch_stride: 0, mask_head_stride: 0)
        let q: [Double] = [0.5, -1], k: [Double] = [2, 3], v: [Double] = [4, 5]
        var out = [Double](repeating: 9, count: 2), lse = [Double](repeating: 0, count: 2)
        var dq = out, dk = out, dv = out
        mask.withUnsafeBufferPointer { m in
            params.mask = m.baseAddress
            XCTAssertEqual(Double.nn.attention(&params, q, k, v, &out, &lse), 0)
            XCTAssertEqual(Double.nn.attentionBackward(&params, q, k, v, out, lse, [1, 1], &dq, &dk, &dv), 0)
        }
        XCTAssertEqual(out, [4, 0])
        XCTAssertEqual(lse[1], -.infinity)
        XCTAssertEqual(dq, [0, 0])
        XCTAssertEqual(dv, [1, 0])
    }
}

/// Relative-and-absolute closeness, element by element, with the worst offender reported.
func assertClose<T: BinaryFloatingPoint>(_ actual: [T], _ expected: [Double], _ what: String,
                                         tolerance: Double = 2e-5, file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        return XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    }
    var worst = (index: -1, excess: 0.0)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let excess = abs(Double(a) - e) - tolerance * (1 + abs(e))
        if !(excess <= worst.excess) { worst = (i, excess) }  // NaN counts as the worst
    }
    if worst.index >= 0 {
        XCTFail("\(what): element \(worst.index) is \(actual[worst.index]), expected \(expected[worst.index])",
                file: file, line: line)
    }
}
