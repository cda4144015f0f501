/// A shape with one stride list per operand, simplified for the C kernels: unit dimensions
/// are dropped and neighbours that are contiguous for every operand are merged, so a dense
/// tensor of any rank becomes one long vectorizable run.
struct StridedLayout {
    var shape: [Int64]
    var strides: [[Int64]]

    init(shape: [Int], strides: [[Int]]) {
        var dims: [(extent: Int, strides: [Int])] = []
        for d in shape.indices where shape[d] != 1 {
            let s = strides.map { $0[d] }
            if let last = dims.last, zip(last.strides, s).allSatisfy({ $0 == $1 * shape[d] }) {
                dims[dims.count - 1] = (last.extent * shape[d], s)
            } else {
                dims.append((shape[d], s))
            }
        }
        precondition(dims.count <= 16, "StridedLayout: \(dims.count) dimensions after merging; kernels take at most 16")
        self.shape = dims.map { Int64($0.extent) }
        self.strides = strides.indices.map { k in dims.map { Int64($0.strides[k]) } }
    }

    var count: Int { Int(shape.reduce(1, *)) }

    /// The same layout restricted to `range` of dimension 0, with each operand's element
    /// offset to its first element.
    func slice(_ range: Range<Int>) -> (layout: StridedLayout, offsets: [Int]) {
        var part = self
        part.shape[0] = Int64(range.count)
        return (part, strides.map { Int($0[0]) * range.lowerBound })
    }

    /// Calls `body(ndim, shape, strides)` with pointers the C kernels accept.
    func withPointers<R>(_ body: (Int32, UnsafePointer<Int64>, [UnsafePointer<Int64>]) -> R) -> R {
        let flat = strides.flatMap { $0 } + shape + [0]
        return flat.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let n = shape.count
            let pointers = strides.indices.map { base + $0 * n }
            return body(Int32(n), base + strides.count * n, pointers)
        }
    }
}
