import CalmKernels
import CalmTensor

/// Fused scaled-dot-product attention, softmax(scale·q·kᵀ + mask)·v, FlashAttention-2
/// style: the forward pass keeps only each query row's log-sum-exp, and the backward pass
/// recomputes the probabilities block by block from it.
///
/// q [B, Hq, Tq, D], k [B, Hkv, Tk, D], v [B, Hkv, Tk, Dv] → [B, Hq, Tq, Dv]; Hq must be a
/// multiple of Hkv (grouped-query attention: query head h reads KV head h / (Hq / Hkv)).
/// `causal` lets query i see keys j ≤ i + Tk - Tq (PyTorch's is_causal when Tq == Tk; the
/// KV-cache convention otherwise). `mask` (uint8, nonzero = may attend) broadcasts to
/// [B, Hq, Tq, Tk] by numpy rules: [Tq, Tk], a key-padding [B, 1, 1, Tk], per-head
/// [B, Hq, Tq, Tk]... A query row that may attend nowhere outputs 0.
public struct AttentionOp: Op {
    public static let name = "attention"
    public let causal: Bool, scale: Double?, mask: Tensor?
    public init(causal: Bool = false, scale: Double? = nil, mask: Tensor? = nil) {
        self.causal = causal
        self.scale = scale
        self.mask = mask
    }

    /// The kernel's parameters and the dense mask they will point into (the caller keeps it alive).
    private func parameters(_ q: Tensor, _ k: Tensor, _ v: Tensor) -> (calm_nn_attention_params, Tensor?) {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4, "attention: q, k, v must be [B, H, T, D], got \(q.shape), \(k.shape), \(v.shape)")
        let (b, hq, tq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]), (hkv, tk) = (k.shape[1], k.shape[2])
        precondition(k.shape[0] == b && v.shape[0] == b && k.shape[3] == d && v.shape[1] == hkv && v.shape[2] == tk
                     && hkv > 0 && hq % hkv == 0 && q.dtype == k.dtype && q.dtype == v.dtype,
                     "attention: incompatible q \(q.shape), k \(k.shape), v \(v.shape)")
        var p = calm_nn_attention_params(batch: b, q_heads: hq, kv_heads: hkv, q_len: tq, kv_len: tk, head_dim: d,
                                         value_dim: v.shape[3], scale: scale ?? 1 / Double(d).squareRoot(),
                                         causal: causal ? 1 : 0, mask: nil, mask_batch_stride: 0, mask_head_stride: 0)
        guard let mask else { return (p, nil) }
        precondition(mask.rank <= 4, "attention: mask of rank \(mask.rank) > 4")
        let padded = [Int](repeating: 1, count: 4 - mask.rank) + mask.shape
        precondition(padded[0] == 1 || padded[0] == b, "attention: mask batch \(padded[0]) is neither 1 nor \(b)")
        precondition(padded[1] == 1 || padded[1] == hq, "attention: mask heads \(padded[1]) are neither 1 nor \(hq)")
        let dense = mask.reshaped(padded).denseMask(Self.name, shape: [padded[0], padded[1], tq, tk])
        p.mask_batch_stride = padded[0] == 1 ? 0 : padded[1] * tq * tk
        p.mask_head_stride = padded[1] == 1 ? 0 : tq * tk
        return (p, dense)
    }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Tensor) {
        let (q, k, v) = (inputs[0].contiguous(), inputs[1].contiguous(), inputs[2].contiguous())
        var (p, dense) = parameters(q, k, v)
        let out = Tensor(uninitialized: Array(q.shape.dropLast()) + [v.shape[3]], dtype: q.dtype)
        let lse = Tensor(uninitialized: Array(q.shape.dropLast()), dtype: q.dtype)
        func run<T: NNFloat>(_: T.Type) -> Int32 {
            p.mask = dense.map { UnsafePointer($0.pointer(as: UInt8.self)) }
            let (pq, pk, pv, po, pl, s) = (q.nn(T.self), k.nn(T.self), v.nn(T.self), out.nn(T.self), lse.nn(T.self), p.batchStrides)
            return p.splitOverBatch { sub, b in
                T.nn.attention(&sub, pq + b * s.q, pk + b * s.k, pv + b * s.v, po + b * s.out, pl + b * s.lse)
            }
        }
        let status = byPrecision(q, Self.name, { run(Float.self) }, { run(Double.self) })
        precondition(status == 0, "attention: out of memory for the scratch blocks")
        return (out, lse)
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Tensor>) -> [Tensor?] {
        let (q, k, v) = (c.inputs[0].contiguous(), c.inputs[1].contiguous(), c.inputs[2].contiguous())
        var (p, dense) = parameters(q, k, v)
        let dout = g.contiguous(), grads = [q, k, v].map { Tensor(uninitialized: $0.shape, dtype: $0.dtype) }
        func run<T: NNFloat>(_: T.Type) -> Int32 {
            p.mask = dense.map { UnsafePointer($0.pointer(as: UInt8.self)) }
            let (pq, pk, pv, po, pl, pdo) = (q.nn(T.self), k.nn(T.self), v.nn(T.self), c.output.nn(T.self),
                                             c.saved.nn(T.self), dout.nn(T.self))
            let (dq, dk, dv, s) = (grads[0].nn(T.self), grads[1].nn(T.self), grads[2].nn(T.self), p.batchStrides)
            return p.splitOverBatch { sub, b in
                T.nn.attentionBackward(&sub, pq + b * s.q, pk + b * s.k, pv + b * s.v, po + b * s.out, pl + b * s.lse,
                                       pdo + b * s.out, dq + b * s.q, dk + b * s.k, dv + b * s.v)
            }
        }
        let status = byPrecision(q, Self.name, { run(Float.self) }, { run(Double.self) })
        precondition(status == 0, "attention: out of memory for the scratch blocks")
        return grads
    }
}

extension calm_nn_attention_params {
    /// Elements per batch entry of q, k, v, out (and dout) and lse.
    var batchStrides: (q: Int, k: Int, v: Int, out: Int, lse: Int) {
        (q_heads * q_len * head_dim, kv_heads * kv_len * head_dim, kv_heads * kv_len * value_dim,
         q_heads * q_len * value_dim, q_heads * q_len)
    }

    /// Runs `kernel(params, firstBatch)` on batch ranges, one per core when the attention is
    /// big enough to pay for threads (OpenBLAS then runs single-threaded inside each), and
    /// returns the worst kernel status. Batch entries share nothing, gradients included.
    func splitOverBatch(_ kernel: (inout calm_nn_attention_params, Int) -> Int32) -> Int32 {
        let work = batch * q_heads * q_len * kv_len * (head_dim + value_dim)
        let chunks = work >= Parallel.minimumGemmWork ? Swift.max(1, Swift.min(Parallel.maxThreads, batch)) : 1
        let blasThreads = BLAS.threads
        if chunks > 1 { BLAS.threads = 1 }
        defer { if chunks > 1 { BLAS.threads = blasThreads } }
        var status = [Int32](repeating: 0, count: chunks)
        status.withUnsafeMutableBufferPointer { status in
            Parallel.run(chunks) { c in
                let range = Parallel.range(c, of: chunks, total: batch)
                var sub = self
                sub.batch = range.count
                sub.mask = mask.map { $0 + range.lowerBound * mask_batch_stride }
                status[c] = kernel(&sub, range.lowerBound)
            }
        }
        return status.min() ?? 0
    }
}

extension Variable {
    /// Fused scaled-dot-product attention of queries `self` over `keys` and `values`; see `AttentionOp`.
    public func attention(keys: Variable, values: Variable, causal: Bool = false, scale: Double? = nil,
                          mask: Tensor? = nil) -> Variable {
        AttentionOp(causal: causal, scale: scale, mask: mask).apply(self, keys, values)
    }
}
