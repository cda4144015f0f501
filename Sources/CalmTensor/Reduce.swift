import CalmKernels

/// Reductions over a set of axes.
public enum ReduceOp: Sendable {
    case sum, max

    var kernel: Int32 { self == .sum ? Int32(CALM_REDUCE_SUM.rawValue) : Int32(CALM_REDUCE_MAX.rawValue) }
    var identity: Double { self == .sum ? 0 : -.infinity }
    var combine: BinaryOp { self == .sum ? .add : .maximum }
}

extension Tensor {
    /// Sum over `axes` (all axes when nil).
    public func sum(axes: [Int]? = nil, keepdim: Bool = false) -> Tensor { reduce(.sum, axes: axes, keepdim: keepdim) }

    /// Maximum over `axes` (all axes when nil).
    public func max(axes: [Int]? = nil, keepdim: Bool = false) -> Tensor { reduce(.max, axes: axes, keepdim: keepdim) }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepdim: Bool = false) -> Tensor {
        let reduced = reducedAxes(axes).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepdim: keepdim) * (1 / Double(reduced))
    }

    /// The sorted, non-negative axes that `axes` names (all when nil).
    public func reducedAxes(_ axes: [Int]?) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map(axis))).sorted()
    }

    /// `op` over `axes`; reduced dimensions are kept with extent 1 when `keepdim`.
    public func reduce(_ op: ReduceOp, axes: [Int]?, keepdim: Bool) -> Tensor {
        precondition(dtype.isFloatingPoint, "reduce \(op): needs a float tensor, got \(dtype)")
        let reduced = Set(reducedAxes(axes))
        let keptShape = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        let out = Tensor.full(keptShape, op.identity, dtype: dtype)
        let outStrides = shape.indices.map { reduced.contains($0) ? 0 : out.strides[$0] }
        let layout = StridedLayout(shape: shape, strides: [outStrides, strides])
        let chunks = layout.shape.isEmpty ? 1 : Parallel.chunkCount(elements: count, splittable: Int(layout.shape[0]))
        if chunks == 1 || layout.strides[0][0] != 0 {
            // Slices of a kept outer dimension write disjoint outputs.
            Tensor.forEachChunk(layout) { part, offsets in
                run(op, part, out: out.rawPointer + offsets[0] * dtype.byteSize, x: rawPointer + offsets[1] * dtype.byteSize)
            }
        } else {
            // The outer dimension is reduced: each chunk fills its own partial result.
            let partials = (0..<chunks).map { _ in Tensor.full(keptShape, op.identity, dtype: dtype) }
            Parallel.run(chunks) { i in
                let (part, offsets) = layout.slice(Parallel.range(i, of: chunks, total: Int(layout.shape[0])))
                run(op, part, out: partials[i].rawPointer, x: rawPointer + offsets[1] * dtype.byteSize)
            }
            for p in partials { Tensor.binary(op.combine, out, p, into: out) }
        }
        if keepdim { return out }
        return out.reshaped(shape.indices.filter { !reduced.contains($0) }.map { shape[$0] })
    }

    private func run(_ op: ReduceOp, _ layout: StridedLayout, out: UnsafeMutableRawPointer, x: UnsafeMutableRawPointer) {
        layout.withPointers { n, s, st in
            if dtype == .float32 {
                calm_reduce_f32(op.kernel, n, s, out.assumingMemoryBound(to: Float.self), st[0],
                                x.assumingMemoryBound(to: Float.self), st[1])
            } else {
                calm_reduce_f64(op.kernel, n, s, out.assumingMemoryBound(to: Double.self), st[0],
                                x.assumingMemoryBound(to: Double.self), st[1])
            }
        }
    }

    /// Index of the largest value along `axis` (the first one on ties) as int64, with that
    /// axis removed: greedy decoding, accuracy. Not differentiable.
    public func argmax(axis a: Int) -> Tensor {
        let d = axis(a)
        var order = Array(0..<rank)
        order.remove(at: d)
        order.append(d)
        let rows = permuted(order).contiguous().to(.float64)
        let n = shape[d], values = rows.pointer(as: Double.self)
        precondition(n > 0, "argmax: axis \(d) of shape \(shape) is empty")
        let picks: [Int64] = (0..<(count / n)).map { r in
            let row = values + r * n
            var best = 0
            for j in 1..<n where row[j] > row[best] { best = j }
            return Int64(best)
        }
        var outShape = shape
        outShape.remove(at: d)
        return Tensor(picks, shape: outShape)
    }

    /// Sums a broadcast result back to `target` (the shape before broadcasting): what the
    /// backward pass of every broadcasting op needs.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        let axes = (0..<rank).filter { $0 < lead || (target[$0 - lead] == 1 && shape[$0] != 1) }
        return sum(axes: axes, keepdim: true).reshaped(target)
    }
}
