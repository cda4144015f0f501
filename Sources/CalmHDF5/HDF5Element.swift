import CHDF5
import HDF5Shim

/// The element types a dataset or attribute can hold.
public enum HDF5DType: String, Codable, Sendable, CaseIterable {
    case float32, float64, int32, int64, uint8
    /// Variable-length byte arrays, one per element (encoded images).
    case bytes
    /// Strings, variable- or fixed-length.
    case string
    /// Anything else HDF5 can store (int16, compound, enum, ...): listed but not read.
    case other

    /// The dtype of an HDF5 datatype id.
    static func of(type: hid_t) -> HDF5DType {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            return size == 4 ? .float32 : size == 8 ? .float64 : .other
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (4, true): return .int32
            case (8, true): return .int64
            case (1, false): return .uint8
            default: return .other
            }
        case H5T_STRING:
            return .string
        case H5T_VLEN:
            let base = H5Tget_super(type)
            defer { H5Tclose(base) }
            return of(type: base) == .uint8 ? .bytes : .other
        default:
            return .other
        }
    }
}

/// A numeric element type stored as-is in datasets (no conversion between dtypes on read).
public protocol HDF5Element {
    static var hdf5DType: HDF5DType { get }
    /// The native HDF5 memory type of this Swift type.
    static var hdf5NativeType: hid_t { get }
    init()
}

extension Float: HDF5Element {
    public static var hdf5DType: HDF5DType { .float32 }
    public static var hdf5NativeType: hid_t { calm_h5t_native_float() }
}

extension Double: HDF5Element {
    public static var hdf5DType: HDF5DType { .float64 }
    public static var hdf5NativeType: hid_t { calm_h5t_native_double() }
}

extension Int32: HDF5Element {
    public static var hdf5DType: HDF5DType { .int32 }
    public static var hdf5NativeType: hid_t { calm_h5t_native_int32() }
}

extension Int64: HDF5Element {
    public static var hdf5DType: HDF5DType { .int64 }
    public static var hdf5NativeType: hid_t { calm_h5t_native_int64() }
}

extension UInt8: HDF5Element {
    public static var hdf5DType: HDF5DType { .uint8 }
    public static var hdf5NativeType: hid_t { calm_h5t_native_uint8() }
}

/// A dense row-major array read from (or written to) a dataset.
public struct HDF5Array<Element: HDF5Element>: Equatable where Element: Equatable {
    public var values: [Element]
    public var shape: [Int]

    public init(values: [Element], shape: [Int]) {
        self.values = values
        self.shape = shape
    }
}
