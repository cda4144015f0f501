import CHDF5
import Foundation
import HDF5Shim

/// An open HDF5 file. Objects are addressed by slash-separated paths ("vision/blocks/3/attn/qkv/weight");
/// missing parent groups are created on write. Every library call is checked and failures throw
/// `HDF5Error` naming the file and the object path.
///
/// Reads may run on several threads at once (libhdf5 is built thread-safe, serializing calls).
public final class HDF5File: @unchecked Sendable {
    public enum Mode: Sendable { case readOnly, readWrite }

    /// The path the file was opened or created at.
    public let path: String
    public let mode: Mode
    let id: hid_t
    private var isOpen = true

    private init(path: String, mode: Mode, id: hid_t) {
        self.path = path
        self.mode = mode
        self.id = id
    }

    /// Creates a new file at `path`, replacing any file there.
    public static func create(_ path: String) throws -> HDF5File {
        HDF5Library.initialize()
        let id = H5Fcreate(path, calm_h5f_acc_trunc(), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        guard id >= 0 else { throw HDF5Error.fromLibrary(file: path, path: "/", action: "cannot create file") }
        return HDF5File(path: path, mode: .readWrite, id: id)
    }

    /// Opens an existing file.
    public static func open(_ path: String, mode: Mode = .readOnly) throws -> HDF5File {
        HDF5Library.initialize()
        guard FileManager.default.fileExists(atPath: path) else {
            throw HDF5Error(file: path, path: "/", message: "no such file")
        }
        let flags = mode == .readOnly ? calm_h5f_acc_rdonly() : calm_h5f_acc_rdwr()
        let id = H5Fopen(path, flags, hid_t(H5P_DEFAULT))
        guard id >= 0 else {
            throw HDF5Error.fromLibrary(file: path, path: "/", action: "not a readable HDF5 file")
        }
        return HDF5File(path: path, mode: mode, id: id)
    }

    /// Writes buffered data to disk.
    public func flush() throws {
        try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "/", "cannot flush")
    }

    /// Closes the file, writing what is buffered; the object must not be used afterwards.
    public func close() throws {
        guard isOpen else { return }
        isOpen = false
        try check(H5Fclose(id), "/", "cannot close")
    }

    deinit {
        if isOpen { H5Fclose(id) }
    }

    // MARK: Groups and paths

    /// Creates the group at `path` and any missing parents; succeeds if it already exists.
    public func createGroup(_ path: String) throws {
        let path = Self.normalize(path)
        if try exists(path) { return }
        let lcpl = try linkCreationList(path)
        defer { H5Pclose(lcpl) }
        let group = H5Gcreate2(id, path, lcpl, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        try check(group, path, "cannot create group")
        H5Gclose(group)
    }

    /// Whether an object (group or dataset) exists at `path`.
    public func exists(_ path: String) throws -> Bool {
        var prefix = ""
        for component in Self.normalize(path).split(separator: "/") {
            prefix += "/" + component
            let found = H5Lexists(id, prefix, hid_t(H5P_DEFAULT))
            try check(found, prefix, "cannot look up link")
            if found == 0 { return false }
        }
        return true
    }

    /// "/a/b" for "a/b", "/a/b/" or "/a//b".
    static func normalize(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }

    /// A link creation property list that creates missing intermediate groups.
    func linkCreationList(_ path: String) throws -> hid_t {
        let lcpl = H5Pcreate(calm_h5p_link_create())
        try check(lcpl, path, "cannot create link property list")
        try check(H5Pset_create_intermediate_group(lcpl, 1), path, "cannot set intermediate group creation")
        return lcpl
    }

    // MARK: Status checks

    /// Throws when an id or status returned by libhdf5 is negative.
    func check<Status: BinaryInteger>(_ status: Status, _ path: String, _ action: @autoclosure () -> String) throws {
        if status < 0 { throw HDF5Error.fromLibrary(file: self.path, path: path, action: action()) }
    }

    func fail(_ path: String, _ message: String) -> HDF5Error {
        HDF5Error(file: self.path, path: path, message: message)
    }
}
