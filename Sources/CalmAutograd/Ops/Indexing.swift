import CalmTensor

// Joining, slicing and indexing along an axis. Index tensors are attributes of the op,
// not inputs: they are integers and have no gradient.

/// Inputs joined along `axis`; backward hands each input its slice of the gradient.
public struct ConcatOp: Op {
    public static let name = "concat"
    public let axis: Int
    public init(axis: Int) { self.axis = axis }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (Tensor.cat(x, axis: axis), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let d = g.axis(axis)
        return g.split(c.inputs.map { $0.shape[d] }, axis: d)
    }
}

/// Elements `range` along `axis`; backward places the gradient into zeros.
public struct SliceOp: Op {
    public static let name = "slice"
    public let axis: Int, range: Range<Int>
    public init(axis: Int, _ range: Range<Int>) { self.axis = axis; self.range = range }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].slice(axis: axis, range), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let full = Tensor.zeros(c.inputs[0].shape, dtype: g.dtype)
        g.copy(into: full.slice(axis: axis, range))
        return [full]
    }
}

/// Entries `indices` along `axis` (rows of an embedding table, ...); backward adds
/// each gradient slice back at its index, accumulating repeats.
public struct IndexSelectOp: Op {
    public static let name = "index_select"
    public let axis: Int, indices: Tensor
    public init(axis: Int, _ indices: Tensor) { self.axis = axis; self.indices = indices }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].indexSelect(axis: axis, indices), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let full = Tensor.zeros(c.inputs[0].shape, dtype: g.dtype)
        full.indexAdd(axis: axis, indices, g)
        return [full]
    }
}

/// PyTorch's `gather` along `axis`; backward is `scatter_add` into zeros.
public struct GatherOp: Op {
    public static let name = "gather"
    public let axis: Int, index: Tensor
    public init(axis: Int, _ index: Tensor) { self.axis = axis; self.index = index }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].gather(axis: axis, index), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let full = Tensor.zeros(c.inputs[0].shape, dtype: g.dtype)
        full.scatterAdd(axis: axis, index, g)
        return [full]
    }
}

extension Variable {
    /// `variables` joined along `axis`.
    public static func cat(_ variables: [Variable], axis: Int) -> Variable { ConcatOp(axis: axis).apply(variables) }
    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Variable { SliceOp(axis: axis, range).apply(self) }
    /// Consecutive pieces of `sizes` along `axis`.
    public func split(_ sizes: [Int], axis: Int) -> [Variable] {
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(axis: axis, start..<(start + n))
        }
    }
    /// Entries `indices` (1-d integer tensor) along `axis`.
    public func indexSelect(axis: Int, _ indices: Tensor) -> Variable { IndexSelectOp(axis: axis, indices).apply(self) }
    /// `out[..., i, ...] = self[..., index[..., i, ...], ...]` along `axis`.
    public func gather(axis: Int, _ index: Tensor) -> Variable { GatherOp(axis: axis, index).apply(self) }
}
