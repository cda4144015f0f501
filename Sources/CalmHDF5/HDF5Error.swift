import HDF5Shim

/// A failed HDF5 operation, naming the file and the object path it was about.
public struct HDF5Error: Error, CustomStringConvertible, Equatable {
    /// The file the operation was on.
    public let file: String
    /// The object (group, dataset or attribute) path inside the file; "/" for the file itself.
    public let path: String
    /// What went wrong, including HDF5's own root cause when it gave one.
    public let message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file):\(path): \(message)" }

    /// An error for a failed library call, with HDF5's error stack (taken and cleared) as the cause.
    static func fromLibrary(file: String, path: String, action: String) -> HDF5Error {
        var buffer = [CChar](repeating: 0, count: 600)
        let found = calm_h5_take_error(&buffer, buffer.count) != 0
        let cause = found ? " (" + String(cString: buffer) + ")" : ""
        return HDF5Error(file: file, path: path, message: action + cause)
    }
}
