/// Joining, selecting and scattering along an axis.
extension Tensor {
    /// The values of an integer (or integral float) tensor as Ints.
    public func indexValues() -> [Int] {
        switch dtype {
        case .int32: return toArray(Int32.self).map(Int.init)
        case .int64: return toArray(Int64.self).map(Int.init)
        default: return toDoubles().map { Int($0) }
        }
    }

    /// `tensors` joined along `axis`; all other extents must agree.
    public static func cat(_ tensors: [Tensor], axis a: Int) -> Tensor {
        precondition(!tensors.isEmpty, "cat: no tensors")
        let first = tensors[0], d = first.axis(a)
        var shape = first.shape
        shape[d] = tensors.reduce(0) { $0 + $1.shape[d] }
        for t in tensors {
            var expected = shape
            expected[d] = t.shape[d]
            precondition(t.shape == expected && t.dtype == first.dtype,
                         "cat: \(t.dtype)\(t.shape) does not fit \(first.dtype)\(shape) along axis \(d)")
        }
        let out = Tensor(uninitialized: shape, dtype: first.dtype)
        var start = 0
        for t in tensors {
            t.copy(into: out.slice(axis: d, start..<(start + t.shape[d])))
            start += t.shape[d]
        }
        return out
    }

    /// Pieces of `sizes` along `axis` (views).
    public func split(_ sizes: [Int], axis a: Int) -> [Tensor] {
        let d = axis(a)
        precondition(sizes.reduce(0, +) == shape[d], "split: sizes \(sizes) do not add up to \(shape[d]) on axis \(d)")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(axis: d, start..<(start + n))
        }
    }

    /// Entries `indices` (1-d integer tensor) along `axis`, in that order.
    public func indexSelect(axis a: Int, _ indices: Tensor) -> Tensor {
        let d = axis(a), picks = indices.indexValues()
        var shape = self.shape
        shape[d] = picks.count
        let out = Tensor(uninitialized: shape, dtype: dtype)
        for j in picks { precondition(j >= 0 && j < self.shape[d], "indexSelect: index \(j) out of range 0..<\(self.shape[d]) on axis \(d)") }
        if d == 0 && isContiguous {
            // Rows of a contiguous table (embeddings, hidden states): one memcpy each, no views.
            let rowBytes = count / Swift.max(self.shape[0], 1) * dtype.byteSize
            for (i, j) in picks.enumerated() { (out.rawPointer + i * rowBytes).copyMemory(from: rawPointer + j * rowBytes, byteCount: rowBytes) }
            return out
        }
        for (i, j) in picks.enumerated() { slice(axis: d, j..<(j + 1)).copy(into: out.slice(axis: d, i..<(i + 1))) }
        return out
    }

    /// Adds slice i of `source` into slice `indices[i]` of this tensor along `axis`, in place
    /// (repeated indices accumulate): the backward pass of `indexSelect`.
    public func indexAdd(axis a: Int, _ indices: Tensor, _ source: Tensor) {
        let d = axis(a), picks = indices.indexValues()
        for j in picks { precondition(j >= 0 && j < shape[d], "indexAdd: index \(j) out of range 0..<\(shape[d]) on axis \(d)") }
        if d == 0 && isContiguous && source.dtype == dtype && (dtype == .float32 || dtype == .float64) {
            let rows = source.contiguous(), width = count / Swift.max(shape[0], 1)
            precondition(Array(source.shape.dropFirst()) == Array(shape.dropFirst()) && source.shape.first == picks.count,
                         "indexAdd: \(source.shape) rows do not fit \(shape) at \(picks.count) indices")
            func add<T: BinaryFloatingPoint & TensorElement>(_: T.Type) {
                let target = pointer(as: T.self), from = rows.pointer(as: T.self)
                for (i, j) in picks.enumerated() {
                    let t = target + j * width, f = from + i * width
                    for k in 0..<width { t[k] += f[k] }
                }
            }
            if dtype == .float32 { add(Float.self) } else { add(Double.self) }
            return
        }
        for (i, j) in picks.enumerated() {
            let target = slice(axis: d, j..<(j + 1))
            Tensor.binary(.add, target, source.slice(axis: d, i..<(i + 1)), into: target)
        }
    }

    /// PyTorch's `gather`: `out[..., i, ...] = self[..., index[..., i, ...], ...]` along `axis`,
    /// with `index` of the same rank and the output shaped like `index`.
    public func gather(axis a: Int, _ index: Tensor) -> Tensor {
        let d = axis(a)
        let out = Tensor(uninitialized: index.shape, dtype: dtype)
        let source = contiguous()
        forEachIndexed(axis: d, index) { sourceOffset, outOffset in
            (out.rawPointer + outOffset * dtype.byteSize).copyMemory(
                from: source.rawPointer + sourceOffset * dtype.byteSize, byteCount: dtype.byteSize)
        }
        return out
    }

    /// PyTorch's `scatter_add_` in place (this tensor must be contiguous): adds `source`
    /// (shaped like `index`) at the positions `gather` reads: the backward pass of `gather`.
    public func scatterAdd(axis a: Int, _ index: Tensor, _ source: Tensor) {
        precondition(isContiguous && dtype.isFloatingPoint && source.dtype == dtype, "scatterAdd: needs a contiguous float tensor")
        let d = axis(a), values = source.contiguous().toDoubles()
        switch dtype {
        case .float32:
            let p = pointer(as: Float.self)
            forEachIndexed(axis: d, index) { target, i in p[target] += Float(values[i]) }
        default:
            let p = pointer(as: Double.self)
            forEachIndexed(axis: d, index) { target, i in p[target] += values[i] }
        }
    }

    // Visits every element of `index` (row-major position i) with the row-major offset, in a
    // contiguous tensor of this shape, of the element it points at along axis `d`.
    private func forEachIndexed(axis d: Int, _ index: Tensor, _ body: (Int, Int) -> Void) {
        precondition(index.rank == rank, "gather/scatter: index rank \(index.rank) differs from tensor rank \(rank)")
        for k in 0..<rank where k != d {
            precondition(index.shape[k] <= shape[k], "gather/scatter: index shape \(index.shape) exceeds \(shape) on axis \(k)")
        }
        let picks = index.indexValues()
        let dense = Tensor.contiguousStrides(shape)
        var coordinate = [Int](repeating: 0, count: rank)
        for i in picks.indices {
            let j = picks[i]
            precondition(j >= 0 && j < shape[d], "gather/scatter: index \(j) out of range 0..<\(shape[d]) on axis \(d)")
            var offset = 0
            for k in 0..<rank { offset += (k == d ? j : coordinate[k]) * dense[k] }
            body(offset, i)
            for k in stride(from: rank - 1, through: 0, by: -1) {
                coordinate[k] += 1
                if coordinate[k] < index.shape[k] { break }
                coordinate[k] = 0
            }
        }
    }
}
