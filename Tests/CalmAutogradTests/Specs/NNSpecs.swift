import CalmAutograd
import CalmTensor
import Foundation

/// Fused NN ops; cases live in Fixtures/nn_ops.json, PyTorch builders in
/// Scripts/fixtures/nn_ops.py under the same spec names. Ids, targets and masks arrive as
/// integer variables and are passed on as tensors (`x[i].value`).
let nnOpSpecs: [OpSpec] = [
    OpSpec("gelu_erf") { x, _ in x[0].gelu() },
    OpSpec("gelu_tanh") { x, _ in x[0].geluTanh() },
    OpSpec("quick_gelu") { x, _ in x[0].quickGelu() },
    OpSpec("silu") { x, _ in x[0].silu() },
    OpSpec("softmax") { x, _ in x[0].softmax() },
    OpSpec("log_softmax") { x, _ in x[0].logSoftmax() },
    OpSpec("layer_norm") { x, a in x[0].layerNorm(weight: x[1], bias: x[2], eps: a.double("eps")) },
    OpSpec("rms_norm") { x, a in x[0].rmsNorm(weight: x[1], eps: a.double("eps")) },
    OpSpec("embedding") { x, _ in x[1].embedding(x[0].value) },
    OpSpec("rope") { x, a in x[0].rope(theta: a.double("theta"), positionOffset: a.int("position_offset")) },
    OpSpec("attention") { x, a in
        x[0].attention(keys: x[1], values: x[2], causal: a.bool("causal"),
                       scale: (a.values["scale"] as? NSNumber)?.doubleValue, mask: x.count > 3 ? x[3].value : nil)
    },
    OpSpec("cross_entropy") { x, a in x[0].crossEntropy(targets: x[1].value, ignoreIndex: a.int("ignore_index")) },
    OpSpec("patchify") { x, a in x[0].patchify(patch: a.int("patch")) },
    OpSpec("token_avg_pool") { x, a in
        x[0].tokenAvgPool(gridHeight: a.int("grid_h"), gridWidth: a.int("grid_w"), kernel: a.int("kernel"))
    },
    OpSpec("dropout") { x, a in x[0].dropout(p: a.double("p"), keep: x[1].value) },
    OpSpec("masked_fill") { x, a in x[0].maskedFill(x[1].value, value: a.double("value")) },
    OpSpec("transformer_block") { x, a in transformerBlock(x, heads: a.int("heads"), eps: a.double("eps")) },
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
