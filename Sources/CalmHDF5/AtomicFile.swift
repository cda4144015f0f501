import Foundation

/// Writes a file so that readers see either the old file or the complete new one, never a part:
/// the content goes to `<path>.tmp-<pid>`, is flushed to disk, then renamed over `path`.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The temporary path a write to `path` goes through.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(getpid())"
    }

    /// Runs `write` with the temporary path, then fsyncs and renames it to `path`.
    /// On any error the temporary file is removed and `path` is left untouched.
    public static func write(to path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        do {
            try write(temporary)
            try sync(temporary)
            guard rename(temporary, path) == 0 else {
                throw WriteError(path: path, message: "cannot rename \(temporary): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable.
        try? sync((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw WriteError(path: temporary, message: "cannot create file: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes a new HDF5 file at `path` atomically: `fill` receives the open file, which is closed afterwards.
    public static func writeHDF5(to path: String, _ fill: (HDF5File) throws -> Void) throws {
        try write(to: path) { temporary in
            let file = try HDF5File.create(temporary)
            try fill(file)
            try file.close()
        }
    }

    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw WriteError(path: path, message: "cannot open for fsync: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw WriteError(path: path, message: "fsync failed: \(String(cString: strerror(errno)))") }
    }
}
