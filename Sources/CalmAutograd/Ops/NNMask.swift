import CalmTensor

/// Dropout with a given keep mask (uint8, nonzero = keep, broadcast to x): x·keep/(1-p).
/// Backward applies the same mask and scale to the gradient.
public struct DropoutOp: Op {
    public static let name = "dropout"
    public let p: Double, keep: Tensor
    public init(p: Double, keep: Tensor) {
        precondition(p >= 0 && p < 1, "dropout: probability \(p) outside [0, 1)")
        (self.p, self.keep) = (p, keep)
    }

    private func apply(_ input: Tensor) -> Tensor {
        let x = input.contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let keep = keep.denseMask(Self.name, shape: x.shape)
        func run<T: NNFloat>(_: T.Type) { T.nn.dropout(x.nn(T.self), keep.pointer(as: UInt8.self), y.nn(T.self), x.count, p) }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return y
    }

    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (apply(x[0]), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [apply(g)] }
}

/// `value` where `mask` (uint8, nonzero = fill, broadcast to x) is set, x elsewhere.
/// Backward passes the gradient where the mask is clear and 0 where it is set.
public struct MaskedFillOp: Op {
    public static let name = "masked_fill"
    public let mask: Tensor, value: Double
    public init(mask: Tensor, value: Double) { (self.mask, self.value) = (mask, value) }

    private func fill(_ input: Tensor, with value: Double) -> Tensor {
        let x = input.contiguous(), y = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let mask = mask.denseMask(Self.name, shape: x.shape)
        func run<T: NNFloat>(_: T.Type) { T.nn.maskedFill(x.nn(T.self), mask.pointer(as: UInt8.self), y.nn(T.self), x.count, value) }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return y
    }

    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (fill(x[0], with: value), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [fill(g, with: 0)] }
}

extension Variable {
    /// Dropout with an explicit keep mask; see `DropoutOp`.
    public func dropout(p: Double, keep: Tensor) -> Variable { DropoutOp(p: p, keep: keep).apply(self) }

    /// Dropout whose keep mask (probability 1 - p per element) comes from `rng`; the
    /// identity when `p` is 0.
    public func dropout(p: Double, using rng: inout RandomGenerator) -> Variable {
        guard p > 0 else { return self }
        let n = value.count
        let keep = Tensor((0..<n).map { _ in UInt8(rng.nextUniform() >= p ? 1 : 0) }, shape: shape)
        return dropout(p: p, keep: keep)
    }

    /// `value` where `mask` is nonzero; see `MaskedFillOp`.
    public func maskedFill(_ mask: Tensor, value: Double) -> Variable { MaskedFillOp(mask: mask, value: value).apply(self) }
}
