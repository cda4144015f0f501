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
}
