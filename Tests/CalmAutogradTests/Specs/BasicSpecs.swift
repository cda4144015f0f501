import CalmAutograd
import CalmTensor

/// Tensor-core ops; cases live in Fixtures/basic_ops.json, PyTorch builders in
/// Scripts/fixtures/basic_ops.py under the same spec names.
let basicOpSpecs: [OpSpec] = [
    OpSpec("add") { x, _ in x[0] + x[1] },
    OpSpec("sub") { x, _ in x[0] - x[1] },
    OpSpec("mul") { x, _ in x[0] * x[1] },
    OpSpec("div") { x, _ in x[0] / x[1] },
    OpSpec("neg") { x, _ in -x[0] },
    OpSpec("affine") { x, a in x[0] * a.double("scale") + a.double("shift") },
    OpSpec("exp") { x, _ in x[0].exp() },
    OpSpec("log") { x, _ in x[0].log() },
    OpSpec("sqrt") { x, _ in x[0].sqrt() },
    OpSpec("rsqrt") { x, _ in x[0].rsqrt() },
    OpSpec("tanh") { x, _ in x[0].tanh() },
    OpSpec("pow") { x, a in x[0].pow(a.double("exponent")) },
    OpSpec("sum") { x, a in x[0].sum(axes: a.optionalInts("axes"), keepdim: a.bool("keepdim")) },
    OpSpec("mean") { x, a in x[0].mean(axes: a.optionalInts("axes"), keepdim: a.bool("keepdim")) },
    OpSpec("max") { x, a in x[0].max(axes: a.optionalInts("axes"), keepdim: a.bool("keepdim")) },
    OpSpec("matmul") { x, _ in x[0].matmul(x[1]) },
    OpSpec("matmul_transposed") { x, _ in x[0].matmul(x[1].transposed()) },
    OpSpec("reshape") { x, a in x[0].reshaped(a.ints("shape")) },
    OpSpec("transpose_reshape") { x, _ in x[0].transposed().reshaped([-1]) },
    OpSpec("permute") { x, a in x[0].permuted(a.ints("order")) },
    OpSpec("transpose") { x, a in x[0].transposed(a.int("a"), a.int("b")) },
    OpSpec("expand") { x, a in x[0].expand(to: a.ints("shape")) },
    OpSpec("concat") { x, a in Variable.cat(x, axis: a.int("axis")) },
    OpSpec("slice") { x, a in x[0].slice(axis: a.int("axis"), a.int("start")..<a.int("end")) },
    OpSpec("split") { x, a in
        Variable.cat(x[0].split(a.ints("sizes"), axis: a.int("axis")).reversed(), axis: a.int("axis"))
    },
    OpSpec("index_select") { x, a in x[0].indexSelect(axis: a.int("axis"), x[1].value) },
    OpSpec("gather") { x, a in x[0].gather(axis: a.int("axis"), x[1].value) },
]
