/// An n-dimensional array with a run-time dtype. Storage is shared by views (reshape,
/// permute, slice, expand), which only change `shape`, `strides` and `offset`; values are
/// written only by explicit in-place methods (`assign`, `add(_:into:)`...).
public struct Tensor: @unchecked Sendable {
    /// The memory this tensor (and possibly other views) reads.
    public let storage: TensorStorage
    /// Element type.
    public let dtype: DType
    /// Extent of each dimension.
    public let shape: [Int]
    /// Step in elements between neighbours along each dimension (0 for broadcast dims).
    public let strides: [Int]
    /// Index of the first element in `storage`, in elements.
    public let offset: Int

    /// A view over existing storage.
    public init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int = 0) {
        precondition(shape.count == strides.count, "Tensor: shape \(shape) and strides \(strides) differ in rank")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A fresh contiguous tensor whose values are unspecified.
    public init(uninitialized shape: [Int], dtype: DType = .float32) {
        self.init(shape: shape, dtype: dtype, zeroed: false)
    }

    init(shape: [Int], dtype: DType, zeroed: Bool) {
        let count = shape.reduce(1, *)
        self.init(storage: TensorStorage(byteCount: count * dtype.byteSize, zeroed: zeroed),
                  dtype: dtype, shape: shape, strides: Tensor.contiguousStrides(shape))
    }

    /// A contiguous tensor holding `values` in row-major order.
    public init<T: TensorElement>(_ values: [T], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *),
                     "Tensor: \(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: T.dtype)
        values.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { storage.pointer.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    /// A 1-d tensor holding `values`.
    public init<T: TensorElement>(_ values: [T]) { self.init(values, shape: [values.count]) }

    /// Row-major strides of a contiguous tensor of `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = step
            step *= Swift.max(shape[d], 1)
        }
        return strides
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Whether the elements are laid out densely in row-major order.
    public var isContiguous: Bool {
        var expected = 1
        for d in stride(from: rank - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// Pointer to the first element, typed; `T` must match `dtype`.
    @inlinable
    public func pointer<T: TensorElement>(as type: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "Tensor: reading \(dtype) as \(T.dtype)")
        return storage.pointer.assumingMemoryBound(to: T.self) + offset
    }

    /// Untyped pointer to the first element.
    public var rawPointer: UnsafeMutableRawPointer { storage.pointer + offset * dtype.byteSize }

    /// Normalizes a possibly negative axis.
    public func axis(_ a: Int) -> Int {
        let n = a < 0 ? a + rank : a
        precondition(n >= 0 && n < rank, "Tensor: axis \(a) out of range for rank \(rank)")
        return n
    }
}

// MARK: - Creation

extension Tensor {
    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(shape: shape, dtype: dtype, zeroed: true)
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, 1, dtype: dtype)
    }

    /// `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fill(value)
        return t
    }

    /// A rank-0 tensor.
    public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor {
        full([], value, dtype: dtype)
    }

    /// 0, 1, ..., n-1.
    public static func arange(_ n: Int, dtype: DType = .float32) -> Tensor {
        Tensor((0..<n).map(Double.init)).to(dtype)
    }

    /// Writes `value` into every element of this (possibly strided) view.
    public func fill(_ value: Double) {
        Tensor([value], shape: []).to(dtype).expand(to: shape).copy(into: self)
    }
}

// MARK: - Reading values

extension Tensor {
    /// The elements in row-major order; `T` must match `dtype`.
    public func toArray<T: TensorElement>(_ type: T.Type = T.self) -> [T] {
        let c = contiguous()
        return Array(UnsafeBufferPointer(start: c.pointer(as: T.self), count: count))
    }

    /// The elements in row-major order, converted to Double (any dtype).
    public func toDoubles() -> [Double] {
        switch dtype {
        case .float32: return toArray(Float.self).map(Double.init)
        case .float64: return toArray(Double.self)
        case .int32: return toArray(Int32.self).map(Double.init)
        case .int64: return toArray(Int64.self).map(Double.init)
        case .uint8: return toArray(UInt8.self).map(Double.init)
        }
    }

    /// The single value of a one-element tensor.
    public var item: Double {
        precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements")
        return toDoubles()[0]
    }

    /// A copy converted to `target` (this tensor itself when it already has that dtype).
    /// Float to integer conversion truncates toward zero.
    public func to(_ target: DType) -> Tensor {
        if target == dtype { return self }
        let source = contiguous()
        switch dtype {
        case .float32: return source.converted(from: Float.self, to: target)
        case .float64: return source.converted(from: Double.self, to: target)
        case .int32: return source.converted(from: Int32.self, to: target)
        case .int64: return source.converted(from: Int64.self, to: target)
        case .uint8: return source.converted(from: UInt8.self, to: target)
        }
    }

    private func converted<S: TensorElement>(from: S.Type, to target: DType) -> Tensor {
        switch target {
        case .float32: return converted(S.self, Float.self)
        case .float64: return converted(S.self, Double.self)
        case .int32: return converted(S.self, Int32.self)
        case .int64: return converted(S.self, Int64.self)
        case .uint8: return converted(S.self, UInt8.self)
        }
    }

    private func converted<S: TensorElement, D: TensorElement>(_: S.Type, _: D.Type) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: D.dtype)
        let src = pointer(as: S.self), dst = out.pointer(as: D.self)
        for i in 0..<count { dst[i] = D(fromDouble: src[i].doubleValue) }
        return out
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = count <= 16 ? toDoubles().map { "\($0)" }.joined(separator: ", ") : "\(count) elements"
        return "Tensor<\(dtype)>\(shape)[\(values)]"
    }
}
