import CHDF5
import Foundation
import HDF5Shim

/// The value of an attribute: a scalar or a 1-D array of integers or doubles, or a string.
public enum HDF5Attribute: Equatable, Sendable {
    case int(Int64)
    case double(Double)
    case string(String)
    case ints([Int64])
    case doubles([Double])
}

extension HDF5File {
    /// Sets attribute `name` on the object at `path` (the root group by default), replacing any old value.
    public func setAttribute(_ name: String, _ value: HDF5Attribute, on path: String = "/") throws {
        HDF5Library.initialize()
        let path = Self.normalize(path)
        let place = "\(path)@\(name)"
        guard mode == .readWrite else { throw fail(place, "file is open read-only") }
        let present = H5Aexists_by_name(id, path, name, hid_t(H5P_DEFAULT))
        try check(present, place, "cannot look up attribute (does the object exist?)")
        if present > 0 { try check(H5Adelete_by_name(id, path, name, hid_t(H5P_DEFAULT)), place, "cannot replace attribute") }

        let (type, shape, ownsType): (hid_t, [Int], Bool)
        switch value {
        case .int: (type, shape, ownsType) = (calm_h5t_native_int64(), [], false)
        case .double: (type, shape, ownsType) = (calm_h5t_native_double(), [], false)
        case .ints(let values): (type, shape, ownsType) = (calm_h5t_native_int64(), [values.count], false)
        case .doubles(let values): (type, shape, ownsType) = (calm_h5t_native_double(), [values.count], false)
        case .string: (type, shape, ownsType) = (try variableStringType(place), [], true)
        }
        defer { if ownsType { H5Tclose(type) } }
        let space = try dataspace(shape, place)
        defer { H5Sclose(space) }
        let attribute = H5Acreate_by_name(id, path, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        try check(attribute, place, "cannot create attribute")
        defer { H5Aclose(attribute) }

        let status: herr_t
        switch value {
        case .int(let value): status = withUnsafeBytes(of: value) { H5Awrite(attribute, type, $0.baseAddress) }
        case .double(let value): status = withUnsafeBytes(of: value) { H5Awrite(attribute, type, $0.baseAddress) }
        case .ints(let values): status = values.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) }
        case .doubles(let values): status = values.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) }
        case .string(let value): status = withCStrings([value]) { H5Awrite(attribute, type, $0) }
        }
        try check(status, place, "cannot write attribute")
    }

    /// Reads attribute `name` of the object at `path` (the root group by default).
    public func attribute(_ name: String, on path: String = "/") throws -> HDF5Attribute {
        HDF5Library.initialize()
        let path = Self.normalize(path)
        let place = "\(path)@\(name)"
        let attribute = H5Aopen_by_name(id, path, name, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        try check(attribute, place, "no such attribute")
        defer { H5Aclose(attribute) }
        let fileType = H5Aget_type(attribute)
        try check(fileType, place, "cannot read attribute type")
        defer { H5Tclose(fileType) }
        let space = H5Aget_space(attribute)
        try check(space, place, "cannot read attribute dataspace")
        defer { H5Sclose(space) }
        let shape = try extents(of: space, place)
        let count = shape.reduce(1, *)
        guard shape.count <= 1 else { throw fail(place, "attribute of shape \(shape) is not a scalar or a vector") }

        switch H5Tget_class(fileType) {
        case H5T_INTEGER:
            var values = [Int64](repeating: 0, count: count)
            try check(values.withUnsafeMutableBytes { H5Aread(attribute, calm_h5t_native_int64(), $0.baseAddress) }, place, "cannot read attribute")
            return shape.isEmpty ? .int(values[0]) : .ints(values)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: count)
            try check(values.withUnsafeMutableBytes { H5Aread(attribute, calm_h5t_native_double(), $0.baseAddress) }, place, "cannot read attribute")
            return shape.isEmpty ? .double(values[0]) : .doubles(values)
        case H5T_STRING where shape.isEmpty:
            return .string(try readStringAttribute(attribute, fileType, place))
        default:
            throw fail(place, "attribute type \(HDF5DType.of(type: fileType).rawValue) of shape \(shape) is not supported")
        }
    }

    /// The names of the attributes of the object at `path`, in name order.
    public func attributeNames(on path: String = "/") throws -> [String] {
        HDF5Library.initialize()
        let path = Self.normalize(path)
        var names: [String] = []
        let status = withUnsafeMutablePointer(to: &names) { names in
            H5Aiterate_by_name(id, path, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, context in
                guard let name, let context else { return -1 }
                context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                return 0
            }, UnsafeMutableRawPointer(names), hid_t(H5P_DEFAULT))
        }
        try check(status, path, "cannot list attributes")
        return names
    }

    private func readStringAttribute(_ attribute: hid_t, _ fileType: hid_t, _ place: String) throws -> String {
        if H5Tis_variable_str(fileType) > 0 {
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attribute, fileType, &pointer), place, "cannot read attribute")
            defer { free(pointer) }
            return pointer.map { String(cString: $0) } ?? ""
        }
        var buffer = [UInt8](repeating: 0, count: H5Tget_size(fileType))
        try check(buffer.withUnsafeMutableBytes { H5Aread(attribute, fileType, $0.baseAddress) }, place, "cannot read attribute")
        return fixedString(buffer[...], type: fileType)
    }
}
