import CalmAutograd
import CalmKernels
import CalmTensor
import Foundation

/// The fused NN kernels on float32: softmax and layer norm in GB/s of memory traffic (each
/// pass reads its inputs and writes its outputs once) against a plain copy of the same
/// tensor, and the fused attention op at the calm-small ViT shape in GFLOP/s.
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

    // calm-small ViT attention through the op (batch 8, 6 heads, 197 tokens, head dim 64),
    // serial and split across cores.
    let shape = [8, 6, 197, 64]
    let (q, k, v) = (Variable(Tensor.normal(shape, using: &rng), requiresGrad: true),
                     Variable(Tensor.normal(shape, using: &rng), requiresGrad: true),
                     Variable(Tensor.normal(shape, using: &rng), requiresGrad: true))
    let attention = q.attention(keys: k, values: v), dout = Tensor.normal(shape, using: &rng)
    let flop = 4 * Double(shape.reduce(1, *) * shape[2])  // q·kᵀ and p·v, 2·T·T·D each
    let savedThreads = Parallel.maxThreads
    defer { Parallel.maxThreads = savedThreads }
    for threads in [1, 2] {
        Parallel.maxThreads = threads
        let times = secondsPerCall(repeats: 5, [
            { _ = noGrad { q.attention(keys: k, values: v) } },
            { attention.backward(seed: dout) },
        ])
        let size = shape.map(String.init).joined(separator: "×")
        results.append(BenchResult(name: "attention forward", threads: threads, size: size, unit: "GFLOP/s",
                                   value: flop / times[0] / 1e9))
        // Backward recomputes q·kᵀ and runs four more products: 2.5× the forward work.
        results.append(BenchResult(name: "attention backward", threads: threads, size: size, unit: "GFLOP/s",
                                   value: 2.5 * flop / times[1] / 1e9))
    }
    return results
}
