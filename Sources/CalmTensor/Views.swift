import CalmKernels

/// Views: new shapes and strides over the same storage, no copies.
extension Tensor {
    /// The same elements in `newShape` (one entry may be -1). A view when the strides allow
    /// it, otherwise a contiguous copy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let target = resolveShape(newShape)
        if let s = viewStrides(target) {
            return Tensor(storage: storage, dtype: dtype, shape: target, strides: s, offset: offset)
        }
        return contiguous().reshaped(target)
    }

    /// A view with `newShape` if the current strides allow one, else nil (never copies).
    public func view(_ newShape: [Int]) -> Tensor? {
        let target = resolveShape(newShape)
        return viewStrides(target).map { Tensor(storage: storage, dtype: dtype, shape: target, strides: $0, offset: offset) }
    }

    private func resolveShape(_ newShape: [Int]) -> [Int] {
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        var target = newShape
        if let i = newShape.firstIndex(of: -1) {
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) for \(count) elements")
            target[i] = count / known
        }
        precondition(target.reduce(1, *) == count, "reshape: shape \(shape) cannot become \(newShape)")
        return target
    }

    // PyTorch's stride computation for `view`: walks chunks of dimensions that are
    // contiguous with each other and splits each chunk into the new dimensions.
    private func viewStrides(_ newShape: [Int]) -> [Int]? {
        if rank == 0 || count == 0 || isContiguous { return Tensor.contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBaseStride = strides[rank - 1]
        var tensorNumel = 1, viewNumel = 1
        for tensorD in stride(from: rank - 1, through: 0, by: -1) {
            tensorNumel *= shape[tensorD]
            if tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride) {
                while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
                    newStrides[viewD] = viewNumel * chunkBaseStride
                    viewNumel *= newShape[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if tensorD > 0 {
                    chunkBaseStride = strides[tensorD - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }

    /// Dimensions reordered: result dimension i is dimension `order[i]` of this tensor.
    public func permuted(_ order: [Int]) -> Tensor {
        let order = order.map(axis)
        precondition(Set(order).count == rank && order.count == rank, "permute: \(order) is not a permutation of \(rank) axes")
        return Tensor(storage: storage, dtype: dtype, shape: order.map { shape[$0] },
                      strides: order.map { strides[$0] }, offset: offset)
    }

    /// Dimensions `a` and `b` swapped (by default the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(axis(a), axis(b))
        return permuted(order)
    }

    /// Broadcast to `target` (numpy rules) by giving size-1 and missing dimensions stride 0.
    public func expand(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(target.count >= rank, "expand: shape \(shape) cannot expand to \(target)")
        let lead = target.count - rank
        var newStrides = [Int](repeating: 0, count: target.count)
        for d in 0..<rank {
            if shape[d] == target[lead + d] { newStrides[lead + d] = strides[d] }
            else { precondition(shape[d] == 1, "expand: shape \(shape) cannot expand to \(target)") }
        }
        return Tensor(storage: storage, dtype: dtype, shape: target, strides: newStrides, offset: offset)
    }

    /// Elements `range` along `axis` (a view).
    public func slice(axis a: Int, _ range: Range<Int>) -> Tensor {
        let d = axis(a)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[d],
                     "slice: \(range) out of bounds for axis \(d) of shape \(shape)")
        var newShape = shape
        newShape[d] = range.count
        return Tensor(storage: storage, dtype: dtype, shape: newShape, strides: strides,
                      offset: offset + range.lowerBound * strides[d])
    }

    /// A size-1 dimension inserted at `axis`.
    public func unsqueezed(_ a: Int) -> Tensor {
        let d = a < 0 ? a + rank + 1 : a
        var newShape = shape
        newShape.insert(1, at: d)
        return reshaped(newShape)
    }

    /// The size-1 dimension `axis` removed.
    public func squeezed(_ a: Int) -> Tensor {
        let d = axis(a)
        precondition(shape[d] == 1, "squeeze: axis \(d) of shape \(shape) is not 1")
        var newShape = shape
        newShape.remove(at: d)
        return reshaped(newShape)
    }

    /// This tensor if already dense row-major, else a dense copy.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitialized: shape, dtype: dtype)
        copy(into: out)
        return out
    }

    /// Writes this tensor's values into `destination` (same shape and dtype, any strides).
    public func copy(into destination: Tensor) {
        precondition(destination.shape == shape && destination.dtype == dtype,
                     "copy: \(dtype)\(shape) into \(destination.dtype)\(destination.shape)")
        guard count > 0 else { return }
        let layout = StridedLayout(shape: shape, strides: [destination.strides, strides])
        layout.withPointers { n, s, st in
            calm_copy_strided(dtype.byteSize, n, s, destination.rawPointer, st[0], rawPointer, st[1])
        }
    }

    /// The broadcast shape of two shapes (numpy rules).
    public static func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int] {
        let n = Swift.max(a.count, b.count)
        return (0..<n).map { i in
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            precondition(x == y || x == 1 || y == 1, "broadcast: shapes \(a) and \(b) are incompatible")
            return x == 1 ? y : x
        }
    }
}
