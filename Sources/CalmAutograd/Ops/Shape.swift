import CalmTensor

// Views: forward changes shape and strides only; backward maps the gradient back.

/// Same elements, new shape (one entry may be -1).
public struct ReshapeOp: Op {
    public static let name = "reshape"
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].reshaped(shape), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g.reshaped(c.inputs[0].shape)] }
}

/// Dimensions reordered; backward applies the inverse permutation.
public struct PermuteOp: Op {
    public static let name = "permute"
    public let order: [Int]
    public init(_ order: [Int]) { self.order = order }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].permuted(order), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, d) in order.map(c.inputs[0].axis).enumerated() { inverse[d] = i }
        return [g.permuted(inverse)]
    }
}

/// Broadcast to a larger shape; backward sums over the broadcast dimensions.
public struct ExpandOp: Op {
    public static let name = "expand"
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func forward(_ x: [Tensor]) -> (output: Tensor, saved: Void) { (x[0].expand(to: shape), ()) }
    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] { [g.sum(toShape: c.inputs[0].shape)] }
}

extension Variable {
    /// Same elements in `shape` (one entry may be -1).
    public func reshaped(_ shape: [Int]) -> Variable { ReshapeOp(shape).apply(self) }
    /// Dimensions reordered: result dimension i is dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Variable { PermuteOp(order).apply(self) }
    /// Dimensions `a` and `b` swapped (by default the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Variable {
        var order = Array(0..<value.rank)
        order.swapAt(value.axis(a), value.axis(b))
        return permuted(order)
    }
    /// Broadcast to `shape`.
    public func expand(to shape: [Int]) -> Variable { ExpandOp(shape).apply(self) }
    /// A size-1 dimension inserted at `axis`.
    public func unsqueezed(_ axis: Int) -> Variable { reshaped(value.unsqueezed(axis).shape) }
    /// The size-1 dimension `axis` removed.
    public func squeezed(_ axis: Int) -> Variable { reshaped(value.squeezed(axis).shape) }
}
