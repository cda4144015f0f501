import COpenBLAS

extension Tensor {
    /// Matrix product over the last two dimensions, broadcasting leading (batch) dimensions:
    /// `[..., m, k] x [..., k, n] -> [..., m, n]`. Transposed views go to BLAS as transpose
    /// flags, not copies; a batch times a shared matrix becomes one large gemm.
    public func matmul(_ other: Tensor) -> Tensor {
        let a = self, b = other
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank >= 2, got \(a.shape) and \(b.shape)")
        precondition(a.dtype == b.dtype && a.dtype.isFloatingPoint, "matmul: dtypes \(a.dtype) and \(b.dtype)")
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        precondition(b.shape[b.rank - 2] == k, "matmul: inner dimensions differ in \(a.shape) x \(b.shape)")
        let batch = Tensor.broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
        let out = Tensor(uninitialized: batch + [m, n], dtype: a.dtype)
        if out.count == 0 { return out }
        if k == 0 {  // an empty sum: BLAS would reject the leading dimensions
            out.fill(0)
            return out
        }

        // One gemm for [batch..., m, k] x [k, n] when a's rows fold into one matrix.
        if b.shape.dropLast(2).allSatisfy({ $0 == 1 }), let folded = a.view([-1, k]), GemmOperand(folded) != nil {
            Tensor.gemm(folded, b.reshaped([k, n]), into: out.reshaped([-1, n]))
            return out
        }
        let ab = a.expand(to: batch + [m, k]), bb = b.expand(to: batch + [k, n])
        let offsets = Tensor.batchOffsets(batch, ab.strides, bb.strides)
        let aStrides = Array(ab.strides.suffix(2)), bStrides = Array(bb.strides.suffix(2))
        func multiply(_ i: Int) {
            Tensor.gemm(Tensor(storage: ab.storage, dtype: ab.dtype, shape: [m, k], strides: aStrides, offset: ab.offset + offsets[i].a),
                        Tensor(storage: bb.storage, dtype: bb.dtype, shape: [k, n], strides: bStrides, offset: bb.offset + offsets[i].b),
                        into: Tensor(storage: out.storage, dtype: out.dtype, shape: [m, n], strides: [n, 1], offset: i * m * n))
        }
        // Many small products (attention heads): one single-threaded gemm per core beats
        // OpenBLAS threading inside each small call.
        let small = m * n * k <= Parallel.smallGemmVolume, work = offsets.count * m * n * k
        let chunks = small && work >= Parallel.minimumGemmWork ? Swift.min(Parallel.threads, offsets.count) : 1
        if chunks == 1 {
            for i in offsets.indices { multiply(i) }
        } else {
            let blasThreads = BLAS.threads
            BLAS.threads = 1
            defer { BLAS.threads = blasThreads }
            Parallel.run(chunks) { c in
                for i in Parallel.range(c, of: chunks, total: offsets.count) { multiply(i) }
            }
        }
        return out
    }

    /// Element offsets of every batch entry in two operands expanded to `batch` dimensions.
    static func batchOffsets(_ batch: [Int], _ aStrides: [Int], _ bStrides: [Int]) -> [(a: Int, b: Int)] {
        var offsets: [(a: Int, b: Int)] = [(0, 0)]
        for d in batch.indices {
            offsets = offsets.flatMap { o in (0..<batch[d]).map { (o.a + $0 * aStrides[d], o.b + $0 * bStrides[d]) } }
        }
        return offsets
    }

    /// `c = a x b` for 2-d operands; `c` must be row-major with unit column stride.
    static func gemm(_ a: Tensor, _ b: Tensor, into c: Tensor) {
        let a = GemmOperand(a) ?? GemmOperand(a.contiguous())!
        let b = GemmOperand(b) ?? GemmOperand(b.contiguous())!
        let m = c.shape[0], n = c.shape[1], k = a.cols
        if m == 1 { return gemv(a, b, into: c, n: n, k: k) }
        let ldc = Int32(Swift.max(c.strides[0], n))
        if c.dtype == .float32 {
            cblas_sgemm(CblasRowMajor, a.trans, b.trans, Int32(m), Int32(n), Int32(k), 1,
                        a.tensor.pointer(as: Float.self), a.ld, b.tensor.pointer(as: Float.self), b.ld,
                        0, c.pointer(as: Float.self), ldc)
        } else {
            cblas_dgemm(CblasRowMajor, a.trans, b.trans, Int32(m), Int32(n), Int32(k), 1,
                        a.tensor.pointer(as: Double.self), a.ld, b.tensor.pointer(as: Double.self), b.ld,
                        0, c.pointer(as: Double.self), ldc)
        }
    }
}

extension Tensor {
    /// `c = a x b` for one row `a` (decoding): gemv reads b once, where gemm would first copy
    /// (pack) all of it, which made each generated token cost several times its weights' reads.
    fileprivate static func gemv(_ a: GemmOperand, _ b: GemmOperand, into c: Tensor, n: Int, k: Int) {
        // Row a's element j sits j·incx apart; b [k, n] is walked as b (rows k) or its transpose.
        let incx = a.trans == CblasNoTrans ? 1 : a.ld
        let (trans, rows, cols) = b.trans == CblasNoTrans ? (CblasTrans, k, n) : (CblasNoTrans, n, k)
        if c.dtype == .float32 {
            cblas_sgemv(CblasRowMajor, trans, Int32(rows), Int32(cols), 1, b.tensor.pointer(as: Float.self), b.ld,
                        a.tensor.pointer(as: Float.self), incx, 0, c.pointer(as: Float.self), 1)
        } else {
            cblas_dgemv(CblasRowMajor, trans, Int32(rows), Int32(cols), 1, b.tensor.pointer(as: Double.self), b.ld,
                        a.tensor.pointer(as: Double.self), incx, 0, c.pointer(as: Double.self), 1)
        }
    }
}

/// A 2-d view as BLAS sees it: row-major (unit column stride) or transposed (unit row stride).
struct GemmOperand {
    let tensor: Tensor
    let trans: CBLAS_TRANSPOSE
    let ld: Int32
    let cols: Int

    init?(_ t: Tensor) {
        let rows = t.shape[0], cols = t.shape[1]
        let s0 = rows == 1 ? cols : t.strides[0], s1 = cols == 1 ? rows : t.strides[1]
        tensor = t
        self.cols = cols
        if t.strides[1] == 1 || cols == 1, s0 >= Swift.max(1, cols) {
            (trans, ld) = (CblasNoTrans, Int32(Swift.max(1, s0)))
        } else if t.strides[0] == 1 || rows == 1, s1 >= Swift.max(1, rows) {
            (trans, ld) = (CblasTrans, Int32(Swift.max(1, s1)))
        } else {
            return nil
        }
    }
}
