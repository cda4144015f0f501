import CalmHDF5
import Foundation

/// An ingested shard folder opened for reading: the manifest plus random access to any record.
/// Safe to read from several threads; a few shard files are kept open.
public final class ShardSet: @unchecked Sendable {
    public let folder: String
    public let manifest: ShardManifest
    /// Records per shard, in shard order.
    public var counts: [Int] { manifest.shards.map(\.count) }

    private let lock = NSLock()
    private var openFiles: [Int: (file: HDF5File, lastUse: Int)] = [:]
    private var uses = 0
    private let maxOpenFiles = 8

    /// Opens the shards listed in `folder/manifest.json`.
    public init(folder: String) throws {
        self.folder = folder
        manifest = try ShardManifest.load(from: folder)
        guard !manifest.shards.isEmpty else { throw ShardError(folder, "the manifest lists no shards") }
    }

    /// The path of shard `index`.
    public func path(ofShard index: Int) -> String { folder + "/" + manifest.shards[index].file }

    /// Reads record `row` of shard `shard`.
    public func sample(shard: Int, row: Int) throws -> ShardSample {
        let file = try openShard(shard)
        guard row >= 0, row < manifest.shards[shard].count else {
            throw ShardError(file.path, "row \(row) out of range 0..<\(manifest.shards[shard].count)")
        }
        let rows = row ..< row + 1
        let id = try file.readStrings(from: "ids", rows: rows)[0]
        let image: ShardImage
        switch manifest.layout {
        case .encoded:
            image = .encoded(try file.readBytes(from: "images", rows: rows)[0])
        case .fixed(let size):
            image = .pixels(width: size, height: size, rgb: try file.read(UInt8.self, from: "images", rows: rows).values)
        }
        let label = manifest.labelNames.isEmpty ? nil : try file.read(Float.self, from: "labels", rows: rows).values
        return ShardSample(id: id, image: image, label: label, shard: shard, row: row)
    }

    /// Checks every shard file against the manifest's SHA-256; throws naming the first that differs.
    public func verifyChecksums() throws {
        for (index, shard) in manifest.shards.enumerated() {
            let digest = try SHA256.hexDigest(ofFile: path(ofShard: index))
            guard digest == shard.sha256 else { throw ShardError(path(ofShard: index), "checksum \(digest) differs from the manifest's") }
        }
    }

    /// The open file of shard `index`, opening it (and checking its record count) on first use.
    private func openShard(_ index: Int) throws -> HDF5File {
        guard manifest.shards.indices.contains(index) else { throw ShardError(folder, "no shard \(index)") }
        lock.lock()
        defer { lock.unlock() }
        uses += 1
        if let cached = openFiles[index] {
            openFiles[index] = (cached.file, uses)
            return cached.file
        }
        let file = try HDF5File.open(path(ofShard: index))
        guard case .int(let count) = try file.attribute("count"), count == manifest.shards[index].count else {
            throw ShardError(file.path, "record count differs from the manifest's \(manifest.shards[index].count)")
        }
        if openFiles.count >= maxOpenFiles, let oldest = openFiles.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            openFiles[oldest] = nil  // closed once no reader holds it
        }
        openFiles[index] = (file, uses)
        return file
    }
}
