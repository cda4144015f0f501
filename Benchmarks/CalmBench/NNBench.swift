import CalmKernels
import Foundation

/// Throughput of the fused softmax and layer-norm kernels (float32, GB/s of memory
/// traffic: each pass reads and writes every element once) and the time of one fused
/// attention forward + backward at the calm-small ViT shape.
func benchmarkNNKernels() {
    let rows = 4096, cols = 1024, n = rows * cols
    let x = UnsafeMutablePointer<Float>.allocate(capacity: n), y = UnsafeMutablePointer<Float>.allocate(capacity: n)
    let dy = UnsafeMutablePointer<Float>.allocate(capacity: n), dx = UnsafeMutablePointer<Float>.allocate(capacity: n)
    defer { [x, y, dy, dx].forEach { $0.deallocate() } }
    for i in 0..<n { x[i] = Float(i % 97) * 0.05 - 2; dy[i] = Float(i % 13) * 0.1 - 0.6 }
    var weight = [Float](repeating: 1.1, count: cols), bias = [Float](repeating: 0.1, count: cols)
    var mean = [Float](repeating: 0, count: rows), rstd = mean, dweight = weight, dbias = bias
    let bytes = Double(n * MemoryLayout<Float>.size)

    func report(_ name: String, traffic: Double, _ body: () -> Void) {
        let seconds = medianSeconds(body)
        print(String(format: "%@: %.3f ms, %.1f GB/s", name, seconds * 1e3, traffic / seconds / 1e9))
    }
    print("nn kernels (float32, \(rows)x\(cols), ISA \(String(cString: calm_kernels_isa())))")
    report("softmax forward", traffic: 2 * bytes) { calm_nn_softmax_forward_f32(x, y, rows, cols) }
    report("softmax backward", traffic: 3 * bytes) { calm_nn_softmax_backward_f32(y, dy, dx, rows, cols) }
    report("layer_norm forward", traffic: 2 * bytes) {
        calm_nn_layer_norm_forward_f32(x, &weight, &bias, y, &mean, &rstd, rows, cols, 1e-5)
    }
    report("layer_norm backward", traffic: 3 * bytes) {
        calm_nn_layer_norm_backward_f32(dy, x, &weight, &mean, &rstd, dx, &dweight, &dbias, rows, cols)
    }

    // calm-small ViT attention: batch 8, 6 heads, 197 tokens, head dim 64.
    var p = calm_nn_attention_params(batch: 8, q_heads: 6, kv_heads: 6, q_len: 197, kv_len: 197, head_dim: 64,
                                     value_dim: 64, scale: 0.125, causal: 0, mask: nil,
                                     mask_batch_stride: 0, mask_head_stride: 0)
    let count = 8 * 6 * 197 * 64
    let q = Array(UnsafeBufferPointer(start: x, count: count)), k = Array(UnsafeBufferPointer(start: x + 7, count: count))
    var out = [Float](repeating: 0, count: count), lse = [Float](repeating: 0, count: 8 * 6 * 197)
    var dq = out, dk = out, dv = out
    let flops = 4.0 * 8 * 6 * 197 * 197 * 64  // two matmuls of 2*T*T*D each
    let forward = medianSeconds { _ = calm_nn_attention_forward_f32(&p, q, k, k, &out, &lse) }
    let backward = medianSeconds { _ = calm_nn_attention_backward_f32(&p, q, k, k, out, lse, q, &dq, &dk, &dv) }
    print(String(format: "attention 8x6x197x64 forward: %.2f ms (%.1f GFLOP/s), backward: %.2f ms (%.1f GFLOP/s)",
                 forward * 1e3, flops / forward / 1e9, backward * 1e3, 2.5 * flops / backward / 1e9))
}

/// Median wall time of 15 runs after 2 warm-ups.
private func medianSeconds(_ body: () -> Void) -> Double {
    for _ in 0..<2 { body() }
    let times = (0..<15).map { _ -> Double in
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    return times.sorted()[times.count / 2]
}
