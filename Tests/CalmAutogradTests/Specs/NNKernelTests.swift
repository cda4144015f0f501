import XCTest
@testable import CalmAutograd
import CalmKernels

/// Kernel-level behaviour the op-level spec cases cannot reach: error codes that the ops
/// turn into preconditions, and attention rows that may attend nowhere.
final class NNKernelTests: XCTestCase {
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

    func testFloatSoftmaxMatchesDoubleAcrossTheExpRange() {
        // Rows [x, 0]: softmax is sigmoid(x), so float32's polynomial exp is checked against
        // libm's double exp from deep underflow to overflow of the unshifted value.
        let xs = stride(from: -120.0, through: 120.0, by: 0.37).map { $0 }
        let rows32: [Float] = xs.flatMap { [Float($0), 0] }, rows64: [Double] = xs.flatMap { [Double(Float($0)), 0] }
        var y32 = [Float](repeating: 0, count: rows32.count), y64 = [Double](repeating: 0, count: rows64.count)
        Float.nn.softmax(rows32, &y32, xs.count, 2)
        Double.nn.softmax(rows64, &y64, xs.count, 2)
        for i in y32.indices {
            XCTAssertEqual(Double(y32[i]), y64[i], accuracy: 1e-6 * y64[i] + 1e-37, "softmax([\(xs[i / 2]), 0])[\(i % 2)]")
        }
    }

    func testNonFiniteValuesPropagate() {
        var y = [Float](repeating: 0, count: 3)
        Float.nn.softmax([1, .nan, 2], &y, 1, 3)
        XCTAssertTrue(y.allSatisfy(\.isNaN), "a NaN logit poisons its row: \(y)")
        Float.nn.silu([.nan, -200, 200], &y, 3)
        XCTAssertTrue(y[0].isNaN)
        XCTAssertEqual(y[1], 0, accuracy: 1e-30)
        XCTAssertEqual(y[2], 200)
        Float.nn.softmax([-.infinity, 0, -.infinity], &y, 1, 3)
        XCTAssertEqual(y, [0, 1, 0], "masked (-inf) entries get probability 0")

        var p = calm_nn_attention_params(batch: 1, q_heads: 1, kv_heads: 1, q_len: 1, kv_len: 2, head_dim: 1,
                                         value_dim: 1, scale: 1, causal: 0, mask: nil,
                                         mask_batch_stride: 0, mask_head_stride: 0)
        var out: [Float] = [0], lse: [Float] = [0]
        XCTAssertEqual(Float.nn.attention(&p, [.nan], [1, 2], [3, 4], &out, &lse), 0)
        XCTAssertTrue(out[0].isNaN, "a NaN query gives a NaN output, not a 'fully masked' 0")
    }
}
