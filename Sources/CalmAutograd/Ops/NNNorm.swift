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
        let b = NormBackward(g, c.inputs), cols = b.cols
        func run<T: NNFloat>(_: T.Type) {
            let (dy, x, dx, mean, rstd) = (b.dy.nn(T.self), b.x.nn(T.self), b.dx.nn(T.self), c.saved.mean!.nn(T.self),
                                           c.saved.rstd.nn(T.self))
            let (weight, dweight, dbias) = (b.weight?.nn(T.self), b.partials.first?.nn(T.self), b.partials.dropFirst().first?.nn(T.self))
            Parallel.run(b.chunks.count) { k in
                let first = b.chunks[k].lowerBound
                T.nn.layerNormBackward(dy + first * cols, x + first * cols, weight, mean + first, rstd + first, dx + first * cols,
                                       dweight.map { $0 + k * cols }, dbias.map { $0 + k * cols }, b.chunks[k].count, cols)
            }
        }
        byPrecision(b.x, Self.name, { run(Float.self) }, { run(Double.self) })
        return b.gradients
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
        let b = NormBackward(g, c.inputs), cols = b.cols
        func run<T: NNFloat>(_: T.Type) {
            let (dy, x, dx, rstd) = (b.dy.nn(T.self), b.x.nn(T.self), b.dx.nn(T.self), c.saved.rstd.nn(T.self))
            let (weight, dweight) = (b.weight?.nn(T.self), b.partials.first?.nn(T.self))
            Parallel.run(b.chunks.count) { k in
                let first = b.chunks[k].lowerBound
                T.nn.rmsNormBackward(dy + first * cols, x + first * cols, weight, rstd + first, dx + first * cols,
                                     dweight.map { $0 + k * cols }, b.chunks[k].count, cols)
            }
        }
        byPrecision(b.x, Self.name, { run(Float.self) }, { run(Double.self) })
        return b.gradients
    }
}

/// The buffers both norms' backward passes share. Rows are split across cores; each chunk
/// writes its own row of every parameter gradient ([chunks, cols] partials, no shared
/// accumulator), and the rows are summed at the end.
private struct NormBackward {
    let x: Tensor, dy: Tensor, dx: Tensor, weight: Tensor?
    let cols: Int, chunks: [Range<Int>], partials: [Tensor]

    init(_ gradOutput: Tensor, _ inputs: [Tensor]) {
        let x = inputs[0].contiguous(), (rows, cols) = x.rowsAndColumns, chunks = rowChunks(rows, rowSize: cols)
        (self.x, self.cols, self.chunks) = (x, cols, chunks)
        dy = gradOutput.contiguous()
        dx = Tensor(uninitialized: x.shape, dtype: x.dtype)
        weight = inputs.count > 1 ? inputs[1].contiguous() : nil
        partials = inputs.dropFirst().map { _ in Tensor(uninitialized: [chunks.count, cols], dtype: x.dtype) }
    }

    /// dx, then the gradient of each weight/bias input.
    var gradients: [Tensor?] { [dx] + partials.map { $0.sum(axes: [0]) } }
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
