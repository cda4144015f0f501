import CalmTensor

/// Rotary position embedding (HF Llama, rotate_half) of x [..., seq, ..., head_dim]:
/// the vector at sequence index s turns by (s + positionOffset)·theta^(-2i/head_dim).
/// `seqAxis` is -2 for the [B, H, T, D] layout and -3 for [B, T, H, D]. Backward rotates
/// the gradient back (the rotation is orthogonal).
public struct RopeOp: Op {
    public static let name = "rope"
    public let theta: Double, positionOffset: Int, seqAxis: Int
    public init(theta: Double = 10_000, positionOffset: Int = 0, seqAxis: Int = -2) {
        precondition(positionOffset >= 0, "rope: negative position offset \(positionOffset)")
        self.theta = theta
        self.positionOffset = positionOffset
        self.seqAxis = seqAxis
    }

    /// [outer, seq, inner, head_dim] view of x's shape.
    private func layout(_ x: Tensor) -> (outer: Int, seq: Int, inner: Int, dim: Int) {
        let axis = x.axis(seqAxis), dim = x.shape.last ?? 0
        precondition(axis < x.rank - 1 && dim % 2 == 0, "rope: needs an even head dim after the sequence axis, got \(x.shape)")
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)..<(x.rank - 1)].reduce(1, *)
        return (outer, x.shape[axis], inner, dim)
    }

    private func rotate(_ input: Tensor, backward: Bool) -> Tensor {
        let x = input.contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype), l = layout(x)
        func run<T: NNFloat>(_: T.Type) {
            (backward ? T.nn.ropeBackward : T.nn.rope)(x.nn(T.self), y.nn(T.self), l.outer, l.seq, l.inner, l.dim,
                                                       theta, positionOffset)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return y
    }

    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (rotate(x[0], backward: false), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [rotate(g, backward: true)] }
}

extension Variable {
    /// Rotary position embedding; see `RopeOp`.
    public func rope(theta: Double = 10_000, positionOffset: Int = 0, seqAxis: Int = -2) -> Variable {
        RopeOp(theta: theta, positionOffset: positionOffset, seqAxis: seqAxis).apply(self)
    }
}
