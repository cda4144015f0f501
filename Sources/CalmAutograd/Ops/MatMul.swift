import CalmTensor

/// Batched matrix product `[..., m, k] x [..., k, n]` with broadcast batch dimensions.
/// Backward: dA = dC·Bᵀ, dB = Aᵀ·dC, each summed over the batch dims it was broadcast along.
public struct MatMulOp: Op {
    public static let name = "matmul"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].matmul(x[1]), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let a = c.inputs[0], b = c.inputs[1]
        let ga = c.needsGrad[0] ? g.matmul(b.transposed()).sum(toShape: a.shape) : nil
        var gb: Tensor?
        if c.needsGrad[1] {
            if b.rank == 2 {
                // A shared weight: fold the batch into one gemm instead of summing per-batch products.
                let k = a.shape[a.rank - 1], n = g.shape[g.rank - 1]
                let rows = a.reshaped([-1, k]), grads = g.reshaped([-1, n])
                if b.strides == [1, k] && n > 1 {
                    // b is a transposed [n, k] weight (Linear): produce its gradient in the weight's own
                    // layout, so that it reaches the leaf contiguous instead of as a strided transpose.
                    gb = grads.transposed().matmul(rows).transposed()
                } else {
                    gb = rows.transposed().matmul(grads)
                }
            } else {
                gb = a.transposed().matmul(g).sum(toShape: b.shape)
            }
        }
        return [ga, gb]
    }
}

extension Variable {
    /// Matrix product over the last two dimensions, broadcasting batch dimensions.
    public func matmul(_ other: Variable) -> Variable { MatMulOp().apply(self, other) }
}
