import CalmAutograd
import CalmTensor

/// Keys and values of the positions decoded so far, [B, kvHeads, T, headDim] each, so that
/// each new token costs one position.
public final class KVCache {
    public private(set) var keys: Tensor?, values: Tensor?

    public init() {}

    /// How many positions are cached.
    public var length: Int { keys?.shape[2] ?? 0 }

    /// Appends the new positions' keys and values and returns all of them.
    func append(keys k: Variable, values v: Variable) -> (Variable, Variable) {
        // The cached part is a constant: decoding does not differentiate through the past.
        let allKeys = keys.map { Variable.cat([Variable($0), k], axis: 2) } ?? k
        let allValues = values.map { Variable.cat([Variable($0), v], axis: 2) } ?? v
        (keys, values) = (allKeys.value.contiguous(), allValues.value.contiguous())
        return (allKeys, allValues)
    }

    /// Forgets everything (a new sequence).
    public func reset() { (keys, values) = (nil, nil) }
}

/// Multi-head attention with its projections: self or cross, optional grouped-query
/// attention, rotary positions, causal and boolean masks, and a KV cache; the core is the
/// engine's fused attention op.
///
/// Projections are either one fused `qkv` linear ([3D, D], q, k, v stacked: CLIP) or
/// separate `q`, `k`, `v`; the output projection is named `outName` ("out", or "o" for Llama).
public final class Attention: Module {
    public let heads: Int, kvHeads: Int, headDim: Int
    public let qkv: Linear?
    public let q: Linear?, k: Linear?, v: Linear?
    public let out: Linear
    let outName: String

    /// - Parameters:
    ///   - contextDim: width of the tokens keys and values are computed from (cross-attention).
    ///   - fusedQKV: one `qkv` projection instead of `q`, `k`, `v` (self-attention only).
    public init(dim: Int, heads: Int, kvHeads: Int? = nil, contextDim: Int? = nil, bias: Bool = true,
                fusedQKV: Bool = false, outName: String = "out", using initializer: inout Initializer) {
        let kvHeads = kvHeads ?? heads
        precondition(dim % heads == 0 && heads % kvHeads == 0,
                     "attention: width \(dim) must split into \(heads) heads, a multiple of \(kvHeads) KV heads")
        precondition(!fusedQKV || (contextDim == nil && kvHeads == heads), "attention: a fused qkv needs plain self-attention")
        (self.heads, self.kvHeads, self.headDim, self.outName) = (heads, kvHeads, dim / heads, outName)
        let kvWidth = kvHeads * (dim / heads), contextDim = contextDim ?? dim
        if fusedQKV {
            qkv = Linear(dim, 3 * dim, bias: bias, using: &initializer)
            (q, k, v) = (nil, nil, nil)
        } else {
            qkv = nil
            q = Linear(dim, dim, bias: bias, using: &initializer)
            k = Linear(contextDim, kvWidth, bias: bias, using: &initializer)
            v = Linear(contextDim, kvWidth, bias: bias, using: &initializer)
        }
        out = Linear(dim, dim, bias: bias, using: &initializer)
    }

    public override var children: [(String, Module)] {
        let input: [(String, Module)] = qkv.map { [("qkv", $0)] } ?? [("q", q!), ("k", k!), ("v", v!)]
        return input + [(outName, out)]
    }

    /// Attends from `x` [B, Tq, D] to `context` [B, Tk, C] (cross) or to `x` itself.
    /// - Parameters:
    ///   - causal: position i sees keys up to i (offset by the cache length when decoding).
    ///   - mask: uint8, nonzero = may attend, broadcastable to [B, heads, Tq, Tk].
    ///   - ropeTheta: rotate queries and keys (self-attention) by their absolute positions.
    ///   - cache: appends this call's keys and values and attends over all cached positions.
    ///   - queriesFrom: self-attention outputs only positions `queriesFrom..<T` ([B, T - queriesFrom, D]);
    ///     the earlier positions still serve as keys and values. A training loss that reads only
    ///     the last positions skips the rest of the final layer this way.
    public func callAsFunction(_ x: Variable, context: Variable? = nil, causal: Bool = false, mask: Tensor? = nil,
                               ropeTheta: Double? = nil, cache: KVCache? = nil, queriesFrom: Int = 0) -> Variable {
        precondition(queriesFrom == 0 || context == nil, "attention: queriesFrom applies to self-attention only")
        let (b, t) = (x.shape[0], x.shape[1]), tq = t - queriesFrom
        var queries: Variable, keys: Variable, values: Variable   // [B, T, heads, headDim]
        if let qkv {
            let parts = qkv(x).reshaped([b, t, 3, heads, headDim]).split([1, 1, 1], axis: 2).map { $0.squeezed(2) }
            (queries, keys, values) = (parts[0].slice(axis: 1, queriesFrom..<t), parts[1], parts[2])
        } else {
            let source = context ?? x, tk = source.shape[1]
            queries = q!(queriesFrom == 0 ? x : x.slice(axis: 1, queriesFrom..<t)).reshaped([b, tq, heads, headDim])
            keys = k!(source).reshaped([b, tk, kvHeads, headDim])
            values = v!(source).reshaped([b, tk, kvHeads, headDim])
        }
        if let ropeTheta {
            let offset = cache?.length ?? 0
            queries = queries.rope(theta: ropeTheta, positionOffset: offset + queriesFrom, seqAxis: -3)
            keys = keys.rope(theta: ropeTheta, positionOffset: offset, seqAxis: -3)
        }
        let headsFirst = [0, 2, 1, 3]
        var (k, v) = (keys.permuted(headsFirst), values.permuted(headsFirst))
        if let cache { (k, v) = cache.append(keys: k, values: v) }
        // The causal limit aligns the last query with the last key, which is what a suffix of queries needs.
        let queryMask = queriesFrom > 0 && mask.map({ $0.shape[2] > 1 }) == true ? mask!.slice(axis: 2, queriesFrom..<t) : mask
        let attended = queries.permuted(headsFirst).attention(keys: k, values: v, causal: causal, mask: queryMask)
        return out(attended.permuted(headsFirst).reshaped([b, tq, heads * headDim]))
    }
}
