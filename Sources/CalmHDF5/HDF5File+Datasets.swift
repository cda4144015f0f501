import CHDF5
import Foundation
import HDF5Shim

/// How a new dataset is laid out on disk.
public struct HDF5DatasetOptions: Sendable {
    /// Chunk shape (same rank as the dataset); required for gzip, defaulted to the whole dataset.
    public var chunks: [Int]?
    /// Deflate level 1...9, or nil for no compression.
    public var gzipLevel: Int?

    public init(chunks: [Int]? = nil, gzipLevel: Int? = nil) {
        self.chunks = chunks
        self.gzipLevel = gzipLevel
    }
}

extension HDF5File {
    // MARK: Numeric datasets

    /// Writes `values` (row-major, `shape.reduce(1, *)` elements) as a new dataset at `path`.
    public func write<T: HDF5Element>(_ values: [T], shape: [Int], to path: String,
                                      options: HDF5DatasetOptions = .init()) throws {
        let path = Self.normalize(path)
        guard values.count == shape.reduce(1, *) else {
            throw fail(path, "\(values.count) values do not fill shape \(shape)")
        }
        try writeDataset(path, type: T.hdf5NativeType, shape: shape, options: options) { dataset in
            values.withUnsafeBytes { H5Dwrite(dataset, T.hdf5NativeType, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress) }
        }
    }

    /// Writes a whole array (values and shape).
    public func write<T: HDF5Element>(_ array: HDF5Array<T>, to path: String, options: HDF5DatasetOptions = .init()) throws {
        try write(array.values, shape: array.shape, to: path, options: options)
    }

    /// Reads the dataset at `path`, or only `rows` of its first dimension. Its dtype must be `T`'s.
    public func read<T: HDF5Element>(_ type: T.Type = T.self, from path: String, rows: Range<Int>? = nil) throws -> HDF5Array<T> {
        try readDataset(Self.normalize(path), expecting: [T.hdf5DType], rows: rows) { dataset, _, memorySpace, fileSpace, shape in
            var values = [T](repeating: T(), count: shape.reduce(1, *))
            let status = values.withUnsafeMutableBytes {
                H5Dread(dataset, T.hdf5NativeType, memorySpace, fileSpace, hid_t(H5P_DEFAULT), $0.baseAddress)
            }
            return (status, HDF5Array(values: values, shape: shape))
        }
    }

    // MARK: Variable-length bytes and strings

    /// Writes a 1-D dataset of variable-length byte arrays (e.g. encoded images).
    public func write(bytes items: [[UInt8]], to path: String, options: HDF5DatasetOptions = .init()) throws {
        let path = Self.normalize(path)
        let type = H5Tvlen_create(calm_h5t_native_uint8())
        try check(type, path, "cannot create variable-length byte type")
        defer { H5Tclose(type) }
        // One contiguous buffer, with each hvl_t pointing into it.
        let joined = items.flatMap { $0 }
        try writeDataset(path, type: type, shape: [items.count], options: options) { dataset in
            joined.withUnsafeBufferPointer { all in
                var offset = 0
                var descriptors = items.map { item -> hvl_t in
                    defer { offset += item.count }
                    return hvl_t(len: item.count, p: UnsafeMutableRawPointer(mutating: all.baseAddress.map { $0 + offset }))
                }
                return H5Dwrite(dataset, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), &descriptors)
            }
        }
    }

    /// Reads a dataset of variable-length byte arrays, or only `rows` of it.
    public func readBytes(from path: String, rows: Range<Int>? = nil) throws -> [[UInt8]] {
        let path = Self.normalize(path)
        let type = H5Tvlen_create(calm_h5t_native_uint8())
        try check(type, path, "cannot create variable-length byte type")
        defer { H5Tclose(type) }
        return try readDataset(path, expecting: [.bytes], rows: rows) { dataset, _, memorySpace, fileSpace, shape in
            var descriptors = [hvl_t](repeating: hvl_t(len: 0, p: nil), count: shape.reduce(1, *))
            let status = H5Dread(dataset, type, memorySpace, fileSpace, hid_t(H5P_DEFAULT), &descriptors)
            guard status >= 0 else { return (status, []) }
            let items = descriptors.map { item -> [UInt8] in
                guard let base = item.p, item.len > 0 else { return [] }
                return Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: item.len))
            }
            H5Dvlen_reclaim(type, memorySpace, hid_t(H5P_DEFAULT), &descriptors)
            return (status, items)
        }
    }

    /// Writes a 1-D dataset of variable-length UTF-8 strings.
    public func write(strings: [String], to path: String, options: HDF5DatasetOptions = .init()) throws {
        let path = Self.normalize(path)
        let type = try variableStringType(path)
        defer { H5Tclose(type) }
        try writeDataset(path, type: type, shape: [strings.count], options: options) { dataset in
            withCStrings(strings) { pointers in
                H5Dwrite(dataset, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), pointers)
            }
        }
    }

    /// Reads a dataset of strings (variable- or fixed-length), or only `rows` of it.
    public func readStrings(from path: String, rows: Range<Int>? = nil) throws -> [String] {
        let path = Self.normalize(path)
        return try readDataset(path, expecting: [.string], rows: rows) { dataset, fileType, memorySpace, fileSpace, shape in
            let count = shape.reduce(1, *)
            if H5Tis_variable_str(fileType) > 0 {
                let type = H5Tcopy(fileType)
                defer { H5Tclose(type) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
                let status = H5Dread(dataset, type, memorySpace, fileSpace, hid_t(H5P_DEFAULT), &pointers)
                guard status >= 0 else { return (status, []) }
                let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
                H5Dvlen_reclaim(type, memorySpace, hid_t(H5P_DEFAULT), &pointers)
                return (status, strings)
            }
            let width = H5Tget_size(fileType)
            var buffer = [UInt8](repeating: 0, count: count * width)
            let status = buffer.withUnsafeMutableBytes {
                H5Dread(dataset, fileType, memorySpace, fileSpace, hid_t(H5P_DEFAULT), $0.baseAddress)
            }
            let strings = (0..<count).map { fixedString(buffer[$0 * width ..< ($0 + 1) * width], type: fileType) }
            return (status, strings)
        }
    }

    // MARK: Shared plumbing

    /// A variable-length UTF-8 string type (h5py reads it as `str`); the caller closes it.
    func variableStringType(_ path: String) throws -> hid_t {
        let type = H5Tcopy(calm_h5t_c_s1())
        try check(type, path, "cannot copy string type")
        guard H5Tset_size(type, calm_h5t_variable()) >= 0, H5Tset_cset(type, H5T_CSET_UTF8) >= 0 else {
            H5Tclose(type)
            throw HDF5Error.fromLibrary(file: self.path, path: path, action: "cannot make variable-length string type")
        }
        return type
    }

    /// A dataspace of `shape` (scalar for []); the caller closes it.
    func dataspace(_ shape: [Int], _ path: String) throws -> hid_t {
        let space: hid_t
        if shape.isEmpty {
            space = H5Screate(H5S_SCALAR)
        } else {
            let dims = shape.map { hsize_t($0) }
            space = H5Screate_simple(Int32(dims.count), dims, nil)
        }
        try check(space, path, "cannot create dataspace for shape \(shape)")
        return space
    }

    /// Creates the dataset at `path` (parents included) and runs `write` on it.
    private func writeDataset(_ path: String, type: hid_t, shape: [Int], options: HDF5DatasetOptions,
                              write: (hid_t) -> herr_t) throws {
        HDF5Library.initialize()
        guard mode == .readWrite else { throw fail(path, "file is open read-only") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail(path, "negative extent in shape \(shape)") }
        if try exists(path) { throw fail(path, "an object already exists at this path") }
        let space = try dataspace(shape, path)
        defer { H5Sclose(space) }
        let dcpl = try creationList(path, shape: shape, options: options)
        defer { H5Pclose(dcpl) }
        let lcpl = try linkCreationList(path)
        defer { H5Pclose(lcpl) }
        let dataset = H5Dcreate2(id, path, type, space, lcpl, dcpl, hid_t(H5P_DEFAULT))
        try check(dataset, path, "cannot create dataset")
        defer { H5Dclose(dataset) }
        try check(write(dataset), path, "cannot write dataset")
    }

    /// The dataset creation property list: chunking, compression, no timestamps.
    private func creationList(_ path: String, shape: [Int], options: HDF5DatasetOptions) throws -> hid_t {
        let dcpl = H5Pcreate(calm_h5p_dataset_create())
        try check(dcpl, path, "cannot create dataset property list")
        do {
            // No modification times: the same content gives the same bytes (stable checksums).
            try check(H5Pset_obj_track_times(dcpl, false), path, "cannot turn off time tracking")
            guard options.chunks != nil || options.gzipLevel != nil else { return dcpl }
            let chunks = options.chunks ?? shape.map { max($0, 1) }
            guard !shape.isEmpty, chunks.count == shape.count, chunks.allSatisfy({ $0 > 0 }) else {
                throw fail(path, "chunk shape \(chunks) does not fit dataset shape \(shape)")
            }
            let dims = chunks.map { hsize_t($0) }
            try check(H5Pset_chunk(dcpl, Int32(dims.count), dims), path, "cannot set chunk shape \(chunks)")
            if let level = options.gzipLevel {
                guard (1...9).contains(level) else { throw fail(path, "gzip level \(level) is not in 1...9") }
                try check(H5Pset_deflate(dcpl, UInt32(level)), path, "cannot enable gzip")
            }
            return dcpl
        } catch {
            H5Pclose(dcpl)
            throw error
        }
    }

    /// Opens the dataset at `path`, checks its dtype, selects `rows` (all when nil) and runs `read`
    /// with (dataset, file type, memory space, file space, selected shape).
    private func readDataset<Result>(_ path: String, expecting dtypes: [HDF5DType], rows: Range<Int>?,
                                     read: (hid_t, hid_t, hid_t, hid_t, [Int]) -> (herr_t, Result)) throws -> Result {
        HDF5Library.initialize()
        let dataset = H5Dopen2(id, path, hid_t(H5P_DEFAULT))
        try check(dataset, path, "no such dataset")
        defer { H5Dclose(dataset) }
        let fileType = H5Dget_type(dataset)
        try check(fileType, path, "cannot read datatype")
        defer { H5Tclose(fileType) }
        let dtype = HDF5DType.of(type: fileType)
        guard dtypes.contains(dtype) else {
            throw fail(path, "dataset holds \(dtype.rawValue), not \(dtypes.map(\.rawValue).joined(separator: " or "))")
        }
        let fileSpace = H5Dget_space(dataset)
        try check(fileSpace, path, "cannot read dataspace")
        defer { H5Sclose(fileSpace) }
        var shape = try extents(of: fileSpace, path)
        if let rows {
            guard let first = shape.first, rows.lowerBound >= 0, rows.upperBound <= first else {
                throw fail(path, "rows \(rows) out of range for shape \(shape)")
            }
            var start = [hsize_t](repeating: 0, count: shape.count)
            var count = shape.map { hsize_t($0) }
            start[0] = hsize_t(rows.lowerBound)
            count[0] = hsize_t(rows.count)
            try check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, count, nil), path, "cannot select rows \(rows)")
            shape[0] = rows.count
        }
        let memorySpace = try dataspace(shape, path)
        defer { H5Sclose(memorySpace) }
        let (status, result) = read(dataset, fileType, memorySpace, fileSpace, shape)
        try check(status, path, "cannot read dataset")
        return result
    }

    /// The extents of a dataspace ([] for a scalar).
    func extents(of space: hid_t, _ path: String) throws -> [Int] {
        let rank = H5Sget_simple_extent_ndims(space)
        try check(rank, path, "cannot read dataspace rank")
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        try check(H5Sget_simple_extent_dims(space, &dims, nil), path, "cannot read dataspace extents")
        return dims.map { Int($0) }
    }
}

/// The text of one fixed-length string slot: up to the first NUL, trailing pad spaces removed.
func fixedString(_ slot: ArraySlice<UInt8>, type: hid_t) -> String {
    var text = slot.prefix { $0 != 0 }
    if H5Tget_strpad(type) == H5T_STR_SPACEPAD { while text.last == 0x20 { text.removeLast() } }
    return String(decoding: text, as: UTF8.self)
}

/// Runs `body` with NUL-terminated copies of `strings`, valid for the call.
func withCStrings<Result>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result) -> Result {
    let copies: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
    defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    var pointers = copies
    return body(&pointers)
}
