import CalmKernels

/// Elementwise operations of two tensors (with broadcasting).
public enum BinaryOp: Sendable {
    case add, sub, mul, div, maximum, minimum
    /// 1 where the operands are equal, else 0.
    case equal

    var kernel: Int32 {
        switch self {
        case .add: return Int32(CALM_BINARY_ADD.rawValue)
        case .sub: return Int32(CALM_BINARY_SUB.rawValue)
        case .mul: return Int32(CALM_BINARY_MUL.rawValue)
        case .div: return Int32(CALM_BINARY_DIV.rawValue)
        case .maximum: return Int32(CALM_BINARY_MAX.rawValue)
        case .minimum: return Int32(CALM_BINARY_MIN.rawValue)
        case .equal: return Int32(CALM_BINARY_EQ.rawValue)
        }
    }
}

/// Elementwise functions of one tensor.
public enum UnaryOp: Sendable {
    case neg, exp, log, sqrt, rsqrt, tanh
    /// x ** exponent.
    case pow(Double)
    /// x * scale + shift.
    case affine(scale: Double, shift: Double)

    var kernel: (op: Int32, p: Double, q: Double) {
        switch self {
        case .neg: return (Int32(CALM_UNARY_NEG.rawValue), 0, 0)
        case .exp: return (Int32(CALM_UNARY_EXP.rawValue), 0, 0)
        case .log: return (Int32(CALM_UNARY_LOG.rawValue), 0, 0)
        case .sqrt: return (Int32(CALM_UNARY_SQRT.rawValue), 0, 0)
        case .rsqrt: return (Int32(CALM_UNARY_RSQRT.rawValue), 0, 0)
        case .tanh: return (Int32(CALM_UNARY_TANH.rawValue), 0, 0)
        case .pow(let p): return (Int32(CALM_UNARY_POW.rawValue), p, 0)
        case .affine(let s, let b): return (Int32(CALM_UNARY_AFFINE.rawValue), s, b)
        }
    }
}

extension Tensor {
    /// `a (op) b` broadcast to a fresh contiguous tensor.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = broadcastShapes(a.shape, b.shape)
        let out = Tensor(uninitialized: shape, dtype: a.dtype)
        binary(op, a, b, into: out)
        return out
    }

    /// Writes `a (op) b` into `out`, whose shape is the broadcast shape. `out` may be `a` or
    /// `b` itself (in-place update), but must not partially overlap them.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, into out: Tensor) {
        precondition(a.dtype == b.dtype && a.dtype == out.dtype && a.dtype.isFloatingPoint,
                     "binary \(op): dtypes \(a.dtype), \(b.dtype) -> \(out.dtype); need one float dtype")
        let a = a.expand(to: out.shape), b = b.expand(to: out.shape)
        let layout = StridedLayout(shape: out.shape, strides: [out.strides, a.strides, b.strides])
        let operands = [out, a, b]
        forEachChunk(layout) { part, offsets in
            part.withPointers { n, s, st in
                let p = zip(operands, offsets).map { $0.rawPointer + $1 * $0.dtype.byteSize }
                if out.dtype == .float32 {
                    calm_binary_f32(op.kernel, n, s, p[0].assumingMemoryBound(to: Float.self), st[0],
                                    p[1].assumingMemoryBound(to: Float.self), st[1],
                                    p[2].assumingMemoryBound(to: Float.self), st[2])
                } else {
                    calm_binary_f64(op.kernel, n, s, p[0].assumingMemoryBound(to: Double.self), st[0],
                                    p[1].assumingMemoryBound(to: Double.self), st[1],
                                    p[2].assumingMemoryBound(to: Double.self), st[2])
                }
            }
        }
    }

    /// `op(self)` in a fresh contiguous tensor.
    public func unary(_ op: UnaryOp) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        Tensor.unary(op, self, into: out)
        return out
    }

    /// Writes `op(x)` into `out` (same shape; may be `x` itself).
    public static func unary(_ op: UnaryOp, _ x: Tensor, into out: Tensor) {
        precondition(x.dtype == out.dtype && x.dtype.isFloatingPoint && x.shape == out.shape,
                     "unary \(op): \(x.dtype)\(x.shape) -> \(out.dtype)\(out.shape); need matching float tensors")
        let layout = StridedLayout(shape: out.shape, strides: [out.strides, x.strides])
        let (code, p, q) = op.kernel
        forEachChunk(layout) { part, offsets in
            part.withPointers { n, s, st in
                let po = out.rawPointer + offsets[0] * out.dtype.byteSize
                let px = x.rawPointer + offsets[1] * x.dtype.byteSize
                if out.dtype == .float32 {
                    calm_unary_f32(code, Float(p), Float(q), n, s, po.assumingMemoryBound(to: Float.self), st[0],
                                   px.assumingMemoryBound(to: Float.self), st[1])
                } else {
                    calm_unary_f64(code, p, q, n, s, po.assumingMemoryBound(to: Double.self), st[0],
                                   px.assumingMemoryBound(to: Double.self), st[1])
                }
            }
        }
    }

    /// Runs `body` on the whole layout, or on slices of its outermost dimension in parallel
    /// when the tensor is large enough (each slice writes disjoint output elements).
    static func forEachChunk(_ layout: StridedLayout, _ body: (StridedLayout, [Int]) -> Void) {
        guard layout.count > 0 else { return }
        let chunks = layout.shape.isEmpty ? 1 : Parallel.chunkCount(elements: layout.count, splittable: Int(layout.shape[0]))
        if chunks == 1 { return body(layout, layout.strides.map { _ in 0 }) }
        Parallel.run(chunks) { i in
            let (part, offsets) = layout.slice(Parallel.range(i, of: chunks, total: Int(layout.shape[0])))
            body(part, offsets)
        }
    }
}

// MARK: - Operators and named functions

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.div, a, b) }
    public static prefix func - (a: Tensor) -> Tensor { a.unary(.neg) }
    public static func + (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1, shift: s)) }
    public static func - (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1, shift: -s)) }
    public static func * (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: s, shift: 0)) }
    public static func / (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1 / s, shift: 0)) }
    public static func * (s: Double, a: Tensor) -> Tensor { a * s }
    public static func + (s: Double, a: Tensor) -> Tensor { a + s }
    public static func - (s: Double, a: Tensor) -> Tensor { a.unary(.affine(scale: -1, shift: s)) }

    public func exp() -> Tensor { unary(.exp) }
    public func log() -> Tensor { unary(.log) }
    public func sqrt() -> Tensor { unary(.sqrt) }
    public func rsqrt() -> Tensor { unary(.rsqrt) }
    public func tanh() -> Tensor { unary(.tanh) }
    public func pow(_ exponent: Double) -> Tensor { unary(.pow(exponent)) }
}
