@testable import CalmAutograd
import CalmKernels

/// Runs one fixture spec through the fused kernels of precision T on plain arrays:
/// the output, and the gradient of sum(output * cotangent) for every float input.
/// `floats[i]` holds input i converted to T (empty for ids and masks).
func runKernels<T: NNFloat>(_ spec: NNFixtureSpec, _ inputs: [NNFixtureTensor], floats: [[T]],
                            cotangent dy: [T]) throws -> (output: [T], grads: [Int: [T]]) {
    let nn = T.nn
    let x = floats[0], shape = inputs[0].shape, n = x.count
    let cols = shape.last ?? 1, rows = n / max(cols, 1)
    func zeros(_ count: Int) -> [T] { [T](repeating: 0, count: count) }
    var y = zeros(n), dx = zeros(n)

    let unary: [String: (NNKernels<T>.Unary, NNKernels<T>.UnaryBackward)] = [
        "gelu_erf": (nn.geluErf, nn.geluErfBackward), "gelu_tanh": (nn.geluTanh, nn.geluTanhBackward),
        "quick_gelu": (nn.quickGelu, nn.quickGeluBackward), "silu": (nn.silu, nn.siluBackward),
    ]
    if let (forward, backward) = unary[spec.op] {
        forward(x, &y, n)
        backward(x, dy, &dx, n)
        return (y, [0: dx])
    }

    switch spec.op {
    case "softmax", "log_softmax":
        let (forward, backward) = spec.op == "softmax" ? (nn.softmax, nn.softmaxBackward) : (nn.logSoftmax, nn.logSoftmaxBackward)
        forward(x, &y, rows, cols)
        backward(y, dy, &dx, rows, cols)
        return (y, [0: dx])

    case "layer_norm":
        var mean = zeros(rows), rstd = zeros(rows), dw = zeros(cols), db = zeros(cols)
        nn.layerNorm(x, floats[1], floats[2], &y, &mean, &rstd, rows, cols, try spec.param("eps"))
        nn.layerNormBackward(dy, x, floats[1], mean, rstd, &dx, &dw, &db, rows, cols)
        return (y, [0: dx, 1: dw, 2: db])

    case "rms_norm":
        var rstd = zeros(rows), dw = zeros(cols)
        nn.rmsNorm(x, floats[1], &y, &rstd, rows, cols, try spec.param("eps"))
        nn.rmsNormBackward(dy, x, floats[1], rstd, &dx, &dw, rows, cols)
        return (y, [0: dx, 1: dw])

    case "embedding":
        let ids = inputs[0], table = floats[1], (vocab, dim) = (inputs[1].shape[0], inputs[1].shape[1])
        var out = zeros(ids.values.count * dim), dtable = zeros(table.count)
        let status = ids.dtype == "I32"
            ? [nn.embeddingI32(ids.values.map { Int32($0) }, ids.values.count, table, vocab, dim, &out),
               nn.embeddingBackwardI32(ids.values.map { Int32($0) }, ids.values.count, dy, vocab, dim, &dtable)]
            : [nn.embeddingI64(ids.values.map { Int64($0) }, ids.values.count, table, vocab, dim, &out),
               nn.embeddingBackwardI64(ids.values.map { Int64($0) }, ids.values.count, dy, vocab, dim, &dtable)]
        guard status == [-1, -1] else { throw NNFixtureError("\(spec.name): id rejected at \(status)") }
        return (out, [1: dtable])

    case "rope":
        let (theta, offset) = (try spec.param("theta"), Int(try spec.param("position_offset")))
        let outer = shape[0] * shape[1]
        nn.rope(x, &y, outer, shape[2], 1, shape[3], theta, offset)
        nn.ropeBackward(dy, &dx, outer, shape[2], 1, shape[3], theta, offset)
        return (y, [0: dx])

    case "attention":
        let (q, k) = (inputs[0].shape, inputs[1].shape), dv = inputs[2].shape[3]
        var p = calm_nn_attention_params(
            batch: q[0], q_heads: q[1], kv_heads: k[1], q_len: q[2], kv_len: k[2], head_dim: q[3], value_dim: dv,
            scale: spec.params["scale"] ?? 1 / Double(q[3]).squareRoot(), causal: Int32(try spec.param("causal")),
            mask: nil, mask_batch_stride: 0, mask_head_stride: 0)
        var out = zeros(q[0] * q[1] * q[2] * dv), lse = zeros(q[0] * q[1] * q[2])
        var dq = zeros(n), dk = zeros(floats[1].count), dvalues = zeros(floats[2].count)
        let mask = inputs.count > 3 ? inputs[3].values.map { UInt8($0) } : []
        let status: [Int32] = mask.withUnsafeBufferPointer { m in
            if inputs.count > 3 {
                let ms = inputs[3].shape
                p.mask = m.baseAddress
                p.mask_batch_stride = ms[0] == 1 ? 0 : ms[1] * ms[2] * ms[3]
                p.mask_head_stride = ms[1] == 1 ? 0 : ms[2] * ms[3]
            }
            return [nn.attention(&p, x, floats[1], floats[2], &out, &lse),
                    nn.attentionBackward(&p, x, floats[1], floats[2], out, lse, dy, &dq, &dk, &dvalues)]
        }
        guard status == [0, 0] else { throw NNFixtureError("\(spec.name): attention failed \(status)") }
        return (out, [0: dq, 1: dk, 2: dvalues])

    case "cross_entropy":
        let targets = inputs[1], ignore = Int64(try spec.param("ignore_index"))
        var loss: T = 0, lse = zeros(rows), count = 0
        let status: Int
        if targets.dtype == "I32" {
            let t = targets.values.map { Int32($0) }
            status = nn.crossEntropyI32(x, t, rows, cols, ignore, &loss, &lse, &count)
            nn.crossEntropyBackwardI32(x, t, lse, rows, cols, ignore, count, Double(dy[0]), &dx)
        } else {
            let t = targets.values.map { Int64($0) }
            status = nn.crossEntropyI64(x, t, rows, cols, ignore, &loss, &lse, &count)
            nn.crossEntropyBackwardI64(x, t, lse, rows, cols, ignore, count, Double(dy[0]), &dx)
        }
        guard status == -1 else { throw NNFixtureError("\(spec.name): target rejected at row \(status)") }
        return ([loss], [0: dx])

    case "patchify":
        let p = Int(try spec.param("patch"))
        var patches = zeros(dy.count)
        nn.patchify(x, &patches, shape[0], shape[1], shape[2], shape[3], p)
        nn.patchifyBackward(dy, &dx, shape[0], shape[1], shape[2], shape[3], p)
        return (patches, [0: dx])

    case "token_avg_pool":
        let (gh, gw, kernel) = (Int(try spec.param("grid_h")), Int(try spec.param("grid_w")), Int(try spec.param("kernel")))
        var pooled = zeros(dy.count)
        nn.tokenAvgPool(x, &pooled, shape[0], gh, gw, shape[2], kernel)
        nn.tokenAvgPoolBackward(dy, &dx, shape[0], gh, gw, shape[2], kernel)
        return (pooled, [0: dx])

    case "dropout", "masked_fill":
        let mask = inputs[1].values.map { UInt8($0) }
        if spec.op == "dropout" {
            let p = try spec.param("p")
            nn.dropout(x, mask, &y, n, p)
            nn.dropout(dy, mask, &dx, n, p)
        } else {
            nn.maskedFill(x, mask, &y, n, try spec.param("value"))
            nn.maskedFill(dy, mask, &dx, n, 0)
        }
        return (y, [0: dx])

    default:
        throw NNFixtureError("\(spec.name): no kernel runner for op '\(spec.op)'")
    }
}
