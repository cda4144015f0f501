import CalmTensor

// Layer norm and RMS norm over the last axis, each one fused kernel per direction. The
// forward pass saves per-row statistics so the backward pass is one sweep over x.

/// Per-row statistics the norms keep for their backward pass.
public struct NormStatistics {
    /// Row means (layer norm only; unused by RMS norm).
    let mean: Tensor?
    /// 1 / sqrt(variance + eps) (layer norm) or 1 / sqrt(mean(x²) + eps) (RMS norm) per row.
    let rstd: Tensor
}

/// Layer norm over the last axis; inputs x [..., C] and optionally weight [C], bias [C].
public struct LayerNormOp: Op {
    public static let name = "layer_norm"
    public let eps: Double
    public init(eps: Double = 1e-5) { self.eps = eps }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: NormStatistics) {
        let x = inputs[0].contiguous(), (rows, cols) = x.rowsAndColumns
        let params = checkedParameters(inputs, cols, Self.name)
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let mean = Tensor(uninitialized: [rows], dtype: x.dtype), rstd = Tensor(uninitialized: [rows], dtype: x.dtype)
        let chunks = rowChunks(rows, rowSize: cols)
        func run<T: NNFloat>(_: T.Type) {
            let (px, py, pm, ps) = (x.nn(T.self), y.nn(T.self), mean.nn(T.self), rstd.nn(T.self))
            let (weight, bias) = (params.first?.nn(T.self), params.dropFirst().first?.nn(T.self))
            Parallel.run(chunks.count) { c in
                let first = chunks[c].lowerBound
                T.nn.layerNorm(px + first * cols, weight, bias, py + first * cols, pm + first, ps + first,
                               chunks[c].count, cols, eps)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (y, NormStatistics(mean: mean, rstd: rstd))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<NormStatistics>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), dy = g.contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = c.inputs.count > 1 ? c.inputs[1].contiguous() : nil
        let dx = Tensor(uninitialized: x.shape, dtype: x.dtype), chunks = rowChunks(rows, rowSize: cols)
        let partials = parameterGradientPartials(c.inputs, chunks.count)
        func run<T: NNFloat>(_: T.Type) {
            let (pdy, px, pdx, pm, ps) = (dy.nn(T.self), x.nn(T.self), dx.nn(T.self), c.saved.mean!.nn(T.self), c.saved.rstd.nn(T.self))
            let (dweight, dbias) = (partials.first?.nn(T.self), partials.dropFirst().first?.nn(T.self))
            Parallel.run(chunks.count) { k in
                let first = chunks[k].lowerBound
                T.nn.layerNormBackward(pdy + first * cols, px + first * cols, weight?.nn(T.self), pm + first, ps + first,
                                       pdx + first * cols, dweight.map { $0 + k * cols }, dbias.map { $0 + k * cols },
                                       chunks[k].count, cols)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx] + partials.map { $0.sum(axes: [0]) }
    }
}

/// RMS norm (Llama) over the last axis; inputs x [..., C] and optionally weight [C].
public struct RMSNormOp: Op {
    public static let name = "rms_norm"
    public let eps: Double
    public init(eps: Double = 1e-6) { self.eps = eps }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: NormStatistics) {
        let x = inputs[0].contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = checkedParameters(inputs, cols, Self.name).first
        let y = Tensor(uninitialized: x.shape, dtype: x.dtype), rstd = Tensor(uninitialized: [rows], dtype: x.dtype)
        let chunks = rowChunks(rows, rowSize: cols)
        func run<T: NNFloat>(_: T.Type) {
            let (px, py, ps) = (x.nn(T.self), y.nn(T.self), rstd.nn(T.self))
            Parallel.run(chunks.count) { c in
                let first = chunks[c].lowerBound
                T.nn.rmsNorm(px + first * cols, weight?.nn(T.self), py + first * cols, ps + first, chunks[c].count, cols, eps)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (y, NormStatistics(mean: nil, rstd: rstd))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<NormStatistics>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), dy = g.contiguous(), (rows, cols) = x.rowsAndColumns
        let weight = c.inputs.count > 1 ? c.inputs[1].contiguous() : nil
        let dx = Tensor(uninitialized: x.shape, dtype: x.dtype), chunks = rowChunks(rows, rowSize: cols)
        let partials = parameterGradientPartials(c.inputs, chunks.count)
        func run<T: NNFloat>(_: T.Type) {
            let (pdy, px, pdx, ps) = (dy.nn(T.self), x.nn(T.self), dx.nn(T.self), c.saved.rstd.nn(T.self))
            let dweight = partials.first?.nn(T.self)
            Parallel.run(chunks.count) { k in
                let first = chunks[k].lowerBound
                T.nn.rmsNormBackward(pdy + first * cols, px + first * cols, weight?.nn(T.self), ps + first,
                                     pdx + first * cols, dweight.map { $0 + k * cols }, chunks[k].count, cols)
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx] + partials.map { $0.sum(axes: [0]) }
    }
}

/// One [chunks, cols] buffer per weight/bias input: each chunk of rows writes its own row of
/// the parameter gradient, and the rows are summed afterwards (no shared accumulator).
private func parameterGradientPartials(_ inputs: [Tensor], _ chunks: Int) -> [Tensor] {
    inputs.dropFirst().map { Tensor(uninitialized: [chunks, $0.count], dtype: inputs[0].dtype) }
}

/// The weight and bias inputs after x, dense, checked to be [cols] of x's dtype.
private func checkedParameters(_ inputs: [Tensor], _ cols: Int, _ op: String) -> [Tensor] {
    inputs.dropFirst().map { p in
        precondition(p.shape == [cols] && p.dtype == inputs[0].dtype,
                     "\(op): parameter \(p.dtype)\(p.shape) does not match x \(inputs[0].dtype)\(inputs[0].shape)")
        return p.contiguous()
    }
}

extension Variable {
    /// Layer norm over the last axis with optional affine `weight` and `bias`.
    public func layerNorm(weight: Variable? = nil, bias: Variable? = nil, eps: Double = 1e-5) -> Variable {
        precondition(bias == nil || weight != nil, "layerNorm: a bias needs a weight")
        return LayerNormOp(eps: eps).apply([self] + [weight, bias].compactMap { $0 })
    }
    /// RMS norm over the last axis with optional `weight`.
    public func rmsNorm(weight: Variable? = nil, eps: Double = 1e-6) -> Variable {
        RMSNormOp(eps: eps).apply([self] + [weight].compactMap { $0 })
    }
}
