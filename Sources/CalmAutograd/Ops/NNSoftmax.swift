import CalmTensor

// Softmax and log-softmax over the last axis, and cross-entropy fused with the
// log-softmax (its gradient is softmax minus one-hot, never materializing log-probs).

/// Runs softmax (log: false) or log-softmax over the last axis.
private func softmaxForward(_ input: Tensor, log: Bool, _ name: String) -> Tensor {
    let x = input.contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let (rows, cols) = x.rowsAndColumns
    func run<T: NNFloat>(_: T.Type) {
        let (px, py, chunks) = (x.nn(T.self), y.nn(T.self), rowChunks(rows, rowSize: cols))
        Parallel.run(chunks.count) { c in
            let i = chunks[c].lowerBound * cols
            (log ? T.nn.logSoftmax : T.nn.softmax)(px + i, py + i, chunks[c].count, cols)
        }
    }
    byPrecision(x, name, { run(Float.self) }, { run(Double.self) })
    return y
}

/// The backward pass of either, from the forward output.
private func softmaxBackward(_ output: Tensor, _ gradOutput: Tensor, log: Bool, _ name: String) -> Tensor {
    let y = output.contiguous(), g = gradOutput.contiguous(), dx = Tensor(uninitialized: y.shape, dtype: y.dtype)
    let (rows, cols) = y.rowsAndColumns
    func run<T: NNFloat>(_: T.Type) {
        let (py, pg, pdx, chunks) = (y.nn(T.self), g.nn(T.self), dx.nn(T.self), rowChunks(rows, rowSize: cols))
        Parallel.run(chunks.count) { c in
            let i = chunks[c].lowerBound * cols
            (log ? T.nn.logSoftmaxBackward : T.nn.softmaxBackward)(py + i, pg + i, pdx + i, chunks[c].count, cols)
        }
    }
    byPrecision(y, name, { run(Float.self) }, { run(Double.self) })
    return dx
}

/// Softmax over the last axis (max-shifted); backward: y·(g - Σ g·y).
public struct SoftmaxOp: Op {
    public static let name = "softmax"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (softmaxForward(x[0], log: false, Self.name), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [softmaxBackward(c.output, g, log: false, Self.name)]
    }
}

/// Log-softmax over the last axis; backward: g - exp(y)·Σ g.
public struct LogSoftmaxOp: Op {
    public static let name = "log_softmax"
    public init() {}
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (softmaxForward(x[0], log: true, Self.name), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [softmaxBackward(c.output, g, log: true, Self.name)]
    }
}

/// Mean cross-entropy of logits [..., C] against integer `targets` [...] (int32 or int64),
/// skipping targets equal to `ignoreIndex`; 0 when every target is ignored. A scalar.
public struct CrossEntropyOp: Op {
    public static let name = "cross_entropy"
    public let targets: Tensor, ignoreIndex: Int
    public init(targets: Tensor, ignoreIndex: Int = -100) {
        precondition(targets.dtype == .int32 || targets.dtype == .int64,
                     "cross_entropy: targets must be int32 or int64, got \(targets.dtype)")
        self.targets = targets.contiguous()
        self.ignoreIndex = ignoreIndex
    }

    /// Per-row log-sum-exp and the number of counted rows.
    public struct Saved { let lse: Tensor, count: Int }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Saved) {
        let x = inputs[0].contiguous(), (rows, classes) = x.rowsAndColumns
        precondition(targets.shape == Array(x.shape.dropLast()),
                     "cross_entropy: targets \(targets.shape) do not match logits \(x.shape) without the class axis")
        let lse = Tensor(uninitialized: [rows], dtype: x.dtype), chunks = rowChunks(rows, rowSize: classes)
        // Per chunk of rows: its mean loss, its counted rows, and its first bad row (or -1).
        var parts = [(loss: Double, count: Int, bad: Int)](repeating: (0, 0, -1), count: chunks.count)
        func run<T: NNFloat>(_: T.Type) {
            let (logits, saved, ignore) = (x.nn(T.self), lse.nn(T.self), Int64(ignoreIndex))
            parts.withUnsafeMutableBufferPointer { parts in
                Parallel.run(chunks.count) { c in
                    let (r, first) = (chunks[c], chunks[c].lowerBound)
                    var loss: T = 0, count = 0
                    let bad = targets.dtype == .int32
                        ? T.nn.crossEntropyI32(logits + first * classes, targets.pointer(as: Int32.self) + first, r.count,
                                               classes, ignore, &loss, saved + first, &count)
                        : T.nn.crossEntropyI64(logits + first * classes, targets.pointer(as: Int64.self) + first, r.count,
                                               classes, ignore, &loss, saved + first, &count)
                    parts[c] = (Double(loss), count, bad < 0 ? -1 : first + bad)
                }
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        if let bad = parts.first(where: { $0.bad >= 0 })?.bad {
            preconditionFailure("cross_entropy: target \(targets.toDoubles()[bad]) of row \(bad) is outside [0, \(classes))")
        }
        let count = parts.reduce(0) { $0 + $1.count }, total = parts.reduce(0) { $0 + $1.loss * Double($1.count) }
        return (Tensor.scalar(count > 0 ? total / Double(count) : 0, dtype: x.dtype), Saved(lse: lse, count: count))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Saved>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), (rows, classes) = x.rowsAndColumns
        let dx = Tensor(uninitialized: x.shape, dtype: x.dtype), dloss = g.item, chunks = rowChunks(rows, rowSize: classes)
        func run<T: NNFloat>(_: T.Type) {
            let (logits, lse, d, ignore, n) = (x.nn(T.self), c.saved.lse.nn(T.self), dx.nn(T.self), Int64(ignoreIndex), c.saved.count)
            Parallel.run(chunks.count) { chunk in
                let (r, first) = (chunks[chunk], chunks[chunk].lowerBound)
                if targets.dtype == .int32 {
                    T.nn.crossEntropyBackwardI32(logits + first * classes, targets.pointer(as: Int32.self) + first, lse + first,
                                                 r.count, classes, ignore, n, dloss, d + first * classes)
                } else {
                    T.nn.crossEntropyBackwardI64(logits + first * classes, targets.pointer(as: Int64.self) + first, lse + first,
                                                 r.count, classes, ignore, n, dloss, d + first * classes)
                }
            }
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx]
    }
}

extension Variable {
    /// Softmax over the last axis.
    public func softmax() -> Variable { SoftmaxOp().apply(self) }
    /// Log-softmax over the last axis.
    public func logSoftmax() -> Variable { LogSoftmaxOp().apply(self) }
    /// Mean cross-entropy of these logits [..., C] against integer `targets` [...] (trusted
    /// to lie in [0, C) or equal `ignoreIndex`).
    public func crossEntropy(targets: Tensor, ignoreIndex: Int = -100) -> Variable {
        CrossEntropyOp(targets: targets, ignoreIndex: ignoreIndex).apply(self)
    }

    /// `crossEntropy(targets:ignoreIndex:)` for targets from data: throws `IndexRangeError`
    /// instead of trapping.
    public func crossEntropy(checking targets: Tensor, ignoreIndex: Int = -100) throws -> Variable {
        try targets.checkIndices(below: shape.last ?? 0, exempt: ignoreIndex, "cross_entropy targets")
        return crossEntropy(targets: targets, ignoreIndex: ignoreIndex)
    }
}
