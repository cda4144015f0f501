import CHDF5
import HDF5Shim

/// One object found when listing a file.
public struct HDF5Member: Equatable, Sendable {
    public enum Kind: String, Sendable { case group, dataset }
    /// Absolute path, e.g. "/vision/blocks/3/attn/qkv/weight".
    public let path: String
    public let kind: Kind
    /// Element type (datasets only).
    public let dtype: HDF5DType?
    /// Extents (datasets only; [] for a scalar).
    public let shape: [Int]?
}

extension HDF5File {
    /// Every group and dataset below `path` (recursively, in name order, parents before children).
    public func members(under path: String = "/") throws -> [HDF5Member] {
        HDF5Library.initialize()
        let path = Self.normalize(path)
        let group = H5Gopen2(id, path, hid_t(H5P_DEFAULT))
        try check(group, path, "no such group")
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        try check(H5Gget_info(group, &info), path, "cannot read group info")

        var found: [HDF5Member] = []
        for index in 0..<info.nlinks {
            let name = try linkName(group, index, path)
            let child = path == "/" ? "/" + name : path + "/" + name
            let object = H5Oopen(group, name, hid_t(H5P_DEFAULT))
            try check(object, child, "cannot open object")
            defer { H5Oclose(object) }
            switch H5Iget_type(object) {
            case H5I_GROUP:
                found.append(HDF5Member(path: child, kind: .group, dtype: nil, shape: nil))
                found += try members(under: child)
            case H5I_DATASET:
                let (dtype, shape) = try datasetLayout(object, child)
                found.append(HDF5Member(path: child, kind: .dataset, dtype: dtype, shape: shape))
            default:
                continue  // committed datatypes carry no data
            }
        }
        return found
    }

    /// The dtype and shape of the dataset at `path`.
    public func datasetInfo(_ path: String) throws -> HDF5Member {
        HDF5Library.initialize()
        let path = Self.normalize(path)
        let dataset = H5Dopen2(id, path, hid_t(H5P_DEFAULT))
        try check(dataset, path, "no such dataset")
        defer { H5Dclose(dataset) }
        let (dtype, shape) = try datasetLayout(dataset, path)
        return HDF5Member(path: path, kind: .dataset, dtype: dtype, shape: shape)
    }

    private func datasetLayout(_ dataset: hid_t, _ path: String) throws -> (HDF5DType, [Int]) {
        let type = H5Dget_type(dataset)
        try check(type, path, "cannot read datatype")
        defer { H5Tclose(type) }
        let space = H5Dget_space(dataset)
        try check(space, path, "cannot read dataspace")
        defer { H5Sclose(space) }
        return (HDF5DType.of(type: type), try extents(of: space, path))
    }

    private func linkName(_ group: hid_t, _ index: hsize_t, _ path: String) throws -> String {
        let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, hid_t(H5P_DEFAULT))
        try check(length, path, "cannot read link name \(index)")
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        try check(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, hid_t(H5P_DEFAULT)),
                  path, "cannot read link name \(index)")
        return String(cString: buffer)
    }
}
