import CalmAutograd
import CalmTensor
import Foundation

/// Fused NN ops; cases live in Fixtures/nn_ops.json, PyTorch builders in
/// Scripts/fixtures/nn_ops.py under the same spec names. Ids and targets arrive as int64
/// variables, masks as int64 0/1: the builders pass them on as tensors (`x[i].value`), the
/// `_i32` specs as int32 and masks as uint8, the dtypes the ops take.
let nnOpSpecs: [OpSpec] = [
    OpSpec("gelu_erf") { x, a in (x[0] * a.double("scale")).gelu() },
    OpSpec("gelu_tanh") { x, a in (x[0] * a.double("scale")).geluTanh() },
    OpSpec("quick_gelu") { x, a in (x[0] * a.double("scale")).quickGelu() },
    OpSpec("silu") { x, a in (x[0] * a.double("scale")).silu() },
    OpSpec("softmax") { x, a in (x[0] * a.double("scale")).softmax() },
    OpSpec("log_softmax") { x, a in (x[0] * a.double("scale")).logSoftmax() },
    OpSpec("layer_norm") { x, a in x[0].layerNorm(weight: x[1], bias: x[2], eps: a.double("eps")) },
    OpSpec("rms_norm") { x, a in x[0].rmsNorm(weight: x[1], eps: a.double("eps")) },
    OpSpec("embedding") { x, _ in x[1].embedding(x[0].value) },
    OpSpec("embedding_i32") { x, _ in x[1].embedding(x[0].value.to(.int32)) },
    OpSpec("rope") { x, a in x[0].rope(theta: a.double("theta"), positionOffset: a.int("position_offset")) },
    OpSpec("attention") { x, a in
        x[0].attention(keys: x[1], values: x[2], causal: a.bool("causal"),
                       scale: (a.values["scale"] as? NSNumber)?.doubleValue, mask: x.count > 3 ? x[3].value.to(.uint8) : nil)
    },
    OpSpec("cross_entropy") { x, a in x[0].crossEntropy(targets: x[1].value, ignoreIndex: a.int("ignore_index")) },
    OpSpec("cross_entropy_i32") { x, a in
        x[0].crossEntropy(targets: x[1].value.to(.int32), ignoreIndex: a.int("ignore_index"))
    },
    OpSpec("patchify") { x, a in x[0].patchify(patch: a.int("patch")) },
    OpSpec("token_avg_pool") { x, a in
        x[0].tokenAvgPool(gridHeight: a.int("grid_h"), gridWidth: a.int("grid_w"), kernel: a.int("kernel"))
    },
    OpSpec("dropout") { x, a in x[0].dropout(p: a.double("p"), keep: x[1].value.to(.uint8)) },
    OpSpec("masked_fill") { x, a in x[0].maskedFill(x[1].value.to(.uint8), value: a.double("value")) },
    // The key bias's true gradient is 0 (softmax ignores a shift shared by all keys); float32
    // leaves ~1e-5 of cancelled terms of size ~1 there, hence the absolute tolerance.
    OpSpec("transformer_block", parity: Tolerance(atol: 1e-4, rtol: 1e-4)) { x, a in
        transformerBlock(x, heads: a.int("heads"), eps: a.double("eps"))
    },
]

/// One pre-LN CLIP block, as in nn_ops.py: x + attn(ln1(x)), then + mlp(ln2(.)) with
/// quick-GELU. x = [input, ln1 w/b, qkv w/b, out w/b, ln2 w/b, fc1 w/b, fc2 w/b].
private func transformerBlock(_ x: [Variable], heads: Int, eps: Double) -> Variable {
    let (b, t, c) = (x[0].shape[0], x[0].shape[1], x[0].shape[2])
    func linear(_ h: Variable, _ i: Int) -> Variable { h.matmul(x[i].transposed()) + x[i + 1] }
    let qkv = linear(x[0].layerNorm(weight: x[1], bias: x[2], eps: eps), 3)
        .reshaped([b, t, 3, heads, c / heads]).permuted([2, 0, 3, 1, 4])
    let (q, k, v) = (qkv.slice(axis: 0, 0..<1).squeezed(0), qkv.slice(axis: 0, 1..<2).squeezed(0),
                     qkv.slice(axis: 0, 2..<3).squeezed(0))
    let attended = q.attention(keys: k, values: v).transposed(1, 2).reshaped([b, t, c])
    let residual = x[0] + linear(attended, 5)
    return residual + linear(linear(residual.layerNorm(weight: x[7], bias: x[8], eps: eps), 9).quickGelu(), 11)
}
