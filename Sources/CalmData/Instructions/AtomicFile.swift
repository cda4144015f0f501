import Foundation

/// Writes a file so that readers see either the old file or the complete new one:
/// the bytes go to a temporary file in the same folder, which is then renamed over the target.
struct AtomicFile {
    private let target: URL
    private let temporary: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20

    /// Runs `body` on a fresh temporary file and commits it, or removes it if `body` throws.
    static func write(_ target: URL, _ body: (inout AtomicFile) throws -> Void) throws {
        var file = try AtomicFile(target)
        do {
            try body(&file)
        } catch {
            file.discard()
            throw error
        }
        try file.commit()
    }

    private init(_ target: URL) throws {
        self.target = target
        let folder = target.deletingLastPathComponent()
        temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0 ... .max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw InstructionSetError(file: target.path, message: "cannot create a temporary file in \(folder.path)")
        }
        handle = try FileHandle(forWritingTo: temporary)
    }

    mutating func write<S: Sequence>(_ bytes: S) throws where S.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Flushes, closes and renames the temporary file onto the target.
    private mutating func commit() throws {
        do {
            try flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            discard()
            throw InstructionSetError(file: target.path, message: "write failed: \(error)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw InstructionSetError(file: target.path, message: "cannot rename the temporary file: \(reason)")
        }
    }

    /// Removes the temporary file after a failure.
    private func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }

    private mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
