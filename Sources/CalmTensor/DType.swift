/// The element type of a tensor, chosen at run time.
public enum DType: String, CaseIterable, Sendable {
    case float32, float64, int32, int64, uint8

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .uint8: return 1
        }
    }

    /// Whether arithmetic kernels and autodiff apply to this type.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// A Swift scalar type that can live in a tensor.
public protocol TensorElement: Numeric, Sendable {
    /// The tensor dtype holding values of this type.
    static var dtype: DType { get }
    /// Converts (with rounding or truncation toward zero) from a Double.
    init(fromDouble value: Double)
    /// The value as a Double.
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    public static var dtype: DType { .float32 }
    public init(fromDouble value: Double) { self.init(value) }
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorElement {
    public static var dtype: DType { .float64 }
    public init(fromDouble value: Double) { self = value }
    public var doubleValue: Double { self }
}

extension Int32: TensorElement {
    public static var dtype: DType { .int32 }
    public init(fromDouble value: Double) { self.init(value) }
    public var doubleValue: Double { Double(self) }
}

extension Int64: TensorElement {
    public static var dtype: DType { .int64 }
    public init(fromDouble value: Double) { self.init(value) }
    public var doubleValue: Double { Double(self) }
}

extension UInt8: TensorElement {
    public static var dtype: DType { .uint8 }
    public init(fromDouble value: Double) { self.init(value) }
    public var doubleValue: Double { Double(self) }
}
