import CalmTensor

/// Runs the float32 or float64 instance of an NN op's kernel call; NN ops take only those.
func byPrecision<R>(_ x: Tensor, _ op: String, _ f32: () -> R, _ f64: () -> R) -> R {
    switch x.dtype {
    case .float32: return f32()
    case .float64: return f64()
    default: preconditionFailure("\(op): needs a float32 or float64 tensor, got \(x.dtype)\(x.shape)")
    }
}

/// Row ranges that split `rows` rows of `rowSize` values across cores: a single range when
/// the tensor is too small for threads to pay (`Parallel.minimumElements`). Run them with
/// `Parallel.run(chunks.count) { c in ... chunks[c] ... }`.
func rowChunks(_ rows: Int, rowSize: Int) -> [Range<Int>] {
    let chunks = Parallel.chunkCount(elements: rows * rowSize, splittable: rows)
    return (0..<chunks).map { Parallel.range($0, of: chunks, total: rows) }
}

extension Tensor {
    /// Pointer to the values of a dense row-major tensor, for the C kernels.
    func nn<T: NNFloat>(_: T.Type) -> UnsafeMutablePointer<T> {
        precondition(isContiguous, "NN kernels read dense tensors; call contiguous() first")
        return pointer(as: T.self)
    }

    /// The dense uint8 mask of `shape`: booleans (any nonzero) broadcast and copied.
    func denseMask(_ op: String, shape target: [Int]) -> Tensor {
        precondition(dtype == .uint8, "\(op): the mask must be uint8 (nonzero = true), got \(dtype)")
        return expand(to: target).contiguous()
    }

    /// Rows and columns of the tensor seen as [-1, last dimension].
    var rowsAndColumns: (rows: Int, cols: Int) {
        let cols = shape.last ?? 1
        return (cols == 0 ? 0 : count / cols, cols)
    }
}
