import CalmTensor

// Softmax and log-softmax over the last axis, and cross-entropy fused with the
// log-softmax (its gradient is softmax minus one-hot, never materializing log-probs).

/// Runs softmax (log: false) or log-softmax over the last axis.
private func softmaxForward(_ input: Tensor, log: Bool, _ name: String) -> Tensor {
    let x = input.contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let (rows, cols) = x.rowsAndColumns
    func run<T: NNFloat>(_: T.Type) { (log ? T.nn.logSoftmax : T.nn.softmax)(x.nn(T.self), y.nn(T.self), rows, cols) }
    byPrecision(x, name, { run(Float.self) }, { run(Double.self) })
    return y
}

/// The backward pass of either, from the forward output.
private func softmaxBackward(_ output: Tensor, _ gradOutput: Tensor, log: Bool, _ name: String) -> Tensor {
    let y = output.contiguous(), g = gradOutput.contiguous(), dx = Tensor(uninitialized: y.shape, dtype: y.dtype)
    let (rows, cols) = y.rowsAndColumns
    func run<T: NNFloat>(_: T.Type) {
        (log ? T.nn.logSoftmaxBackward : T.nn.softmaxBackward)(y.nn(T.self), g.nn(T.self), dx.nn(T.self), rows, cols)
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
        let loss = Tensor(uninitialized: [], dtype: x.dtype), lse = Tensor(uninitialized: [rows], dtype: x.dtype)
        var count = 0
        func run<T: NNFloat>(_: T.Type) -> Int {
            let (l, s, ignore) = (x.nn(T.self), lse.nn(T.self), Int64(ignoreIndex))
            return targets.dtype == .int32
                ? T.nn.crossEntropyI32(l, targets.pointer(as: Int32.self), rows, classes, ignore, loss.nn(T.self), s, &count)
                : T.nn.crossEntropyI64(l, targets.pointer(as: Int64.self), rows, classes, ignore, loss.nn(T.self), s, &count)
        }
        let bad = byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        precondition(bad < 0, "cross_entropy: target \(targets.toDoubles()[Swift.max(bad, 0)]) of row \(bad) is outside [0, \(classes))")
        return (loss, Saved(lse: lse, count: count))
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Saved>) -> [Tensor?] {
        let x = c.inputs[0].contiguous(), (rows, classes) = x.rowsAndColumns
        let dx = Tensor(uninitialized: x.shape, dtype: x.dtype), dloss = g.item
        func run<T: NNFloat>(_: T.Type) {
            let (l, s, d, ignore, n) = (x.nn(T.self), c.saved.lse.nn(T.self), dx.nn(T.self), Int64(ignoreIndex), c.saved.count)
            if targets.dtype == .int32 {
                T.nn.crossEntropyBackwardI32(l, targets.pointer(as: Int32.self), s, rows, classes, ignore, n, dloss, d)
            } else {
                T.nn.crossEntropyBackwardI64(l, targets.pointer(as: Int64.self), s, rows, classes, ignore, n, dloss, d)
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
    /// Mean cross-entropy of these logits [..., C] against integer `targets` [...].
    public func crossEntropy(targets: Tensor, ignoreIndex: Int = -100) -> Variable {
        CrossEntropyOp(targets: targets, ignoreIndex: ignoreIndex).apply(self)
    }
}
