import CalmData
import CalmHDF5
import Foundation

/// The checkpoints of one run: `step-00000100.h5` files, each completed by a `.sha256` sidecar.
///
/// A checkpoint counts as complete only when its sidecar exists and holds the SHA-256 of the
/// file's bytes. The file is written atomically first, the sidecar (also atomically) after the
/// rename, so a process killed at any moment leaves either a complete checkpoint or one without
/// a sidecar (ignored); a truncated or corrupted file no longer matches its sidecar. `latest.h5`
/// is a symbolic link to the newest complete checkpoint, for the next stage's `model.init_from`.
public struct CheckpointDirectory {
    public let folder: String
    public static let latestName = "latest.h5"

    public init(folder: String) { self.folder = folder }

    public func path(forStep step: Int) -> String {
        (folder as NSString).appendingPathComponent(String(format: "step-%08d.h5", step))
    }

    /// Writes `checkpoint` as the file of its step, its sidecar, then repoints `latest.h5`; returns the path.
    @discardableResult
    public func save(_ checkpoint: TrainingCheckpoint) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = path(forStep: checkpoint.step)
        try checkpoint.write(to: path)
        let digest = try SHA256.hexDigest(ofFile: path)
        try AtomicFile.write(Data("\(digest)  \((path as NSString).lastPathComponent)\n".utf8), to: path + ".sha256")
        try pointLatest(at: path)
        return path
    }

    /// Steps that have a checkpoint file (complete or not), ascending.
    public func steps() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("step-"), name.hasSuffix(".h5") else { return nil }
            return Int(name.dropFirst(5).dropLast(3))
        }.sorted()
    }

    /// Throws unless the checkpoint at `path` (a step file or `latest.h5`) matches its sidecar.
    public func verify(_ path: String) throws {
        try Self.verifyChecksum(of: Self.resolve(path))
    }

    /// The file a path names, following a symbolic link such as `latest.h5`.
    public static func resolve(_ path: String) -> String {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        return (target as NSString).isAbsolutePath ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
    }

    /// Throws unless the file at `path` matches the SHA-256 in `path.sha256`.
    public static func verifyChecksum(of path: String) throws {
        guard let sidecar = FileManager.default.contents(atPath: path + ".sha256"),
              let expected = String(decoding: sidecar, as: UTF8.self).split(separator: " ").first else {
            throw TrainingError("\(path): incomplete checkpoint (no .sha256 sidecar; the write was interrupted)")
        }
        let actual = try SHA256.hexDigest(ofFile: path)
        guard actual == expected else {
            throw TrainingError("\(path): checksum mismatch (file is truncated or corrupt): sha256 \(actual), sidecar says \(expected)")
        }
    }

    /// The newest checkpoint that verifies, read; every newer one that does not is reported to `skipped`.
    public func newestComplete(skipped: (TrainingError) -> Void = { _ in }) -> (path: String, checkpoint: TrainingCheckpoint)? {
        for step in steps().reversed() {
            let path = path(forStep: step)
            do {
                try verify(path)
                return (path, try TrainingCheckpoint.read(from: path))
            } catch {
                skipped(error as? TrainingError ?? TrainingError("\(path): \(error)"))
            }
        }
        return nil
    }

    /// Deletes checkpoints beyond the newest `keepLast`, except every `keepEvery`-th step, and
    /// leftovers of interrupted writes. The sidecar goes first, so a half-deleted checkpoint is
    /// merely incomplete.
    public func prune(keepLast: Int, keepEvery: Int) {
        let all = steps()
        let kept = Set(all.suffix(keepLast)).union(keepEvery > 0 ? all.filter { $0 % keepEvery == 0 } : [])
        for step in all where !kept.contains(step) {
            let path = path(forStep: step)
            unlink(path + ".sha256")
            unlink(path)
        }
        removeInterruptedWrites()
    }

    /// Removes the temporary files of writes that never reached their rename.
    public func removeInterruptedWrites() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.contains(".tmp-") {
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }

    /// Replaces `latest.h5` with a relative symbolic link to `path`, atomically (link, then rename).
    private func pointLatest(at path: String) throws {
        let latest = (folder as NSString).appendingPathComponent(Self.latestName)
        let temporary = AtomicFile.temporaryPath(for: latest)
        unlink(temporary)
        guard symlink((path as NSString).lastPathComponent, temporary) == 0, rename(temporary, latest) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw TrainingError("\(latest): cannot point at \(path): \(reason)")
        }
    }
}
