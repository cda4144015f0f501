import CalmTensor

// Reductions over axes (all axes when nil). Backward broadcasts the gradient back over
// the reduced axes: reshape to the keepdim shape, then expand.

/// Shape of a reduction's output with reduced axes kept as 1 (for broadcasting back).
private func keptShape(_ input: Tensor, _ axes: [Int]?) -> [Int] {
    let reduced = Set(input.reducedAxes(axes))
    return input.shape.indices.map { reduced.contains($0) ? 1 : input.shape[$0] }
}

/// Sum over axes.
public struct SumOp: Op {
    public static let name = "sum"
    public let axes: [Int]?, keepdim: Bool
    public init(axes: [Int]?, keepdim: Bool) { self.axes = axes; self.keepdim = keepdim }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].sum(axes: axes, keepdim: keepdim), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        [g.reshaped(keptShape(c.inputs[0], axes)).expand(to: c.inputs[0].shape)]
    }
}

/// Mean over axes.
public struct MeanOp: Op {
    public static let name = "mean"
    public let axes: [Int]?, keepdim: Bool
    public init(axes: [Int]?, keepdim: Bool) { self.axes = axes; self.keepdim = keepdim }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].mean(axes: axes, keepdim: keepdim), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let x = c.inputs[0], n = Double(x.count / Swift.max(c.output.count, 1))
        return [(g * (1 / n)).reshaped(keptShape(x, axes)).expand(to: x.shape)]
    }
}

/// Maximum over axes. Ties share the gradient equally (like `torch.amax`).
public struct MaxOp: Op {
    public static let name = "max"
    public let axes: [Int]?, keepdim: Bool
    public init(axes: [Int]?, keepdim: Bool) { self.axes = axes; self.keepdim = keepdim }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].max(axes: axes, keepdim: keepdim), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let x = c.inputs[0], kept = keptShape(x, axes)
        let mask = Tensor.binary(.equal, x, c.output.reshaped(kept))
        let ties = mask.sum(axes: axes, keepdim: true)
        return [mask * (g.reshaped(kept) / ties)]
    }
}

extension Variable {
    /// Sum over `axes` (all when nil).
    public func sum(axes: [Int]? = nil, keepdim: Bool = false) -> Variable { SumOp(axes: axes, keepdim: keepdim).apply(self) }
    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepdim: Bool = false) -> Variable { MeanOp(axes: axes, keepdim: keepdim).apply(self) }
    /// Maximum over `axes` (all when nil).
    public func max(axes: [Int]? = nil, keepdim: Bool = false) -> Variable { MaxOp(axes: axes, keepdim: keepdim).apply(self) }
}
