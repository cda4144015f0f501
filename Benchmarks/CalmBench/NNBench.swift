import CalmKernels
import CalmTensor
import Foundation

/// The fused NN kernels on float32 tensors: softmax and layer norm in GB/s of memory
/// traffic (each pass reads its inputs and writes its outputs once) against a plain copy of
/// the same tensor, and fused attention at the calm-small ViT shape in GFLOP/s.
let nnBenchmark = Benchmark(name: "nn") {
    var rng = RandomGenerator(seed: 3)
    let (rows, cols) = (4096, 1024)
    var storage: [Tensor] = []  // keeps the tensors behind the raw pointers alive
    defer { withExtendedLifetime(storage) {} }
    func normal(_ shape: [Int]) -> UnsafeMutablePointer<Float> {
        storage.append(Tensor.normal(shape, using: &rng))
        return storage[storage.count - 1].pointer(as: Float.self)
    }
    let x = normal([rows, cols]), dy = normal([rows, cols]), y = normal([rows, cols]), dx = normal([rows, cols])
    let (weight, bias, dweight, dbias) = (normal([cols]), normal([cols]), normal([cols]), normal([cols]))
    let (mean, rstd) = (normal([rows]), normal([rows]))
    let bytes = Double(rows * cols * 4), size = "\(rows)×\(cols) f32"
    calm_nn_softmax_forward_f32(x, y, rows, cols)

    let cases: [(String, Double, () -> Void)] = [
        ("softmax forward", 2 * bytes, { calm_nn_softmax_forward_f32(x, dx, rows, cols) }),
        ("softmax backward", 3 * bytes, { calm_nn_softmax_backward_f32(y, dy, dx, rows, cols) }),
        ("layer_norm forward", 2 * bytes, { calm_nn_layer_norm_forward_f32(x, weight, bias, dx, mean, rstd, rows, cols, 1e-5) }),
        ("layer_norm backward", 3 * bytes, {
            calm_nn_layer_norm_backward_f32(dy, x, weight, mean, rstd, dx, dweight, dbias, rows, cols)
        }),
    ]
    var results: [BenchResult] = []
    for (name, moved, body) in cases {
        let t = secondsPerCall(repeats: 11, [{ dx.update(from: x, count: rows * cols) }, body])
        results.append(BenchResult(name: name, threads: 1, size: size, unit: "GB/s", value: moved / t[1] / 1e9,
                                   baseline: 2 * bytes / t[0] / 1e9, baselineName: "copy"))
    }

    // calm-small ViT attention: batch 8, 6 heads, 197 tokens, head dim 64.
    let (b, h, t, d) = (8, 6, 197, 64)
    var p = calm_nn_attention_params(batch: b, q_heads: h, kv_heads: h, q_len: t, kv_len: t, head_dim: d, value_dim: d,
                                     scale: 1 / Double(d).squareRoot(), causal: 0, mask: nil,
                                     mask_batch_stride: 0, mask_head_stride: 0)
    let q = normal([b, h, t, d]), k = normal([b, h, t, d]), v = normal([b, h, t, d]), dout = normal([b, h, t, d])
    let (out, lse) = (normal([b, h, t, d]), normal([b, h, t]))
    let (dq, dk, dv) = (normal([b, h, t, d]), normal([b, h, t, d]), normal([b, h, t, d]))
    let flop = 4 * Double(b * h * t * t * d)  // q·kᵀ and p·v, 2·T·T·D each
    let times = secondsPerCall(repeats: 5, [
        { _ = calm_nn_attention_forward_f32(&p, q, k, v, out, lse) },
        { _ = calm_nn_attention_backward_f32(&p, q, k, v, out, lse, dout, dq, dk, dv) },
    ])
    let shape = "\(b)×\(h)×\(t)×\(d)"
    results.append(BenchResult(name: "attention forward", threads: 1, size: shape, unit: "GFLOP/s", value: flop / times[0] / 1e9))
    // The backward pass recomputes q·kᵀ and runs four more products: 2.5× the forward work.
    results.append(BenchResult(name: "attention backward", threads: 1, size: shape, unit: "GFLOP/s",
                               value: 2.5 * flop / times[1] / 1e9))
    return results
}
