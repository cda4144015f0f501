import CalmHDF5
import Foundation

/// The on-disk layout of an ingested image collection: `shard-000000.h5`, ... plus `manifest.json`.
///
/// Each shard holds `ids` (strings), `images` (variable-length encoded bytes, or UInt8 `[N,S,S,3]`
/// pixels for fixed-size shards), optionally `labels` (float32 `[N,K]`), and root attributes
/// `schema_version`, `source`, `count`, `layout`.
public enum ShardFormat {
    public static let schemaVersion = 1
    public static let manifestName = "manifest.json"
    public static let reportName = "ingest-report.json"

    /// "shard-000042.h5" for shard 42.
    public static func fileName(forShard index: Int) -> String {
        let digits = String(index)
        return "shard-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".h5"
    }
}

/// How images are stored in shards; written as "encoded" or "fixed-<S>" in manifests and shard attributes.
public enum ShardLayout: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The original file bytes (PNG, JPEG, WebP), decoded when read.
    case encoded
    /// Pixels resized and centre-cropped to `size`×`size` RGB at ingest time.
    case fixed(size: Int)

    public var description: String {
        switch self {
        case .encoded: return "encoded"
        case .fixed(let size): return "fixed-\(size)"
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if text == "encoded" {
            self = .encoded
        } else if text.hasPrefix("fixed-"), let size = Int(text.dropFirst(6)), size > 0 {
            self = .fixed(size: size)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown shard layout '\(text)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One image as stored in a shard.
public enum ShardImage: Equatable, Sendable {
    /// Encoded file bytes.
    case encoded([UInt8])
    /// Interleaved RGB pixels.
    case pixels(width: Int, height: Int, rgb: [UInt8])
}

/// One record of a shard.
public struct ShardSample: Equatable, Sendable {
    /// The image's identifier: its path relative to the ingested folder (or as listed).
    public var id: String
    public var image: ShardImage
    /// The image's labels, when the shards were ingested with a labels file.
    public var label: [Float]?
    /// Where the record lives: shard index and row.
    public var shard: Int
    public var row: Int

    public init(id: String, image: ShardImage, label: [Float]?, shard: Int = 0, row: Int = 0) {
        self.id = id
        self.image = image
        self.label = label
        self.shard = shard
        self.row = row
    }
}

/// `manifest.json`: what a shard folder holds, written (atomically) after every completed shard.
public struct ShardManifest: Codable, Equatable, Sendable {
    public struct Shard: Codable, Equatable, Sendable {
        public var file: String
        public var count: Int
        /// SHA-256 of the file's bytes, lowercase hex.
        public var sha256: String
        /// Index in the ingest's source list just after the last image this shard consumed.
        public var sourceEnd: Int
    }

    public var schemaVersion = ShardFormat.schemaVersion
    /// The ingested folder or list file.
    public var source: String
    public var layout: ShardLayout
    public var shardSize: Int
    /// How many candidate image files the source listed.
    public var sourceCount: Int
    /// Column names of `labels`, empty when the shards carry none.
    public var labelNames: [String]
    public var shards: [Shard] = []
    /// Whether the ingest went through every source file.
    public var complete = false

    /// Images over all shards.
    public var imageCount: Int { shards.reduce(0) { $0 + $1.count } }

    /// Reads `manifest.json` from `folder`.
    public static func load(from folder: String) throws -> ShardManifest {
        let path = folder + "/" + ShardFormat.manifestName
        guard let data = FileManager.default.contents(atPath: path) else { throw ShardError(path, "cannot read manifest") }
        do {
            let manifest = try JSONDecoder().decode(ShardManifest.self, from: data)
            guard manifest.schemaVersion == ShardFormat.schemaVersion else {
                throw ShardError(path, "schema version \(manifest.schemaVersion), this calm reads \(ShardFormat.schemaVersion)")
            }
            return manifest
        } catch let error as DecodingError {
            throw ShardError(path, "malformed manifest: \(error)")
        }
    }

    /// Writes `manifest.json` into `folder` atomically.
    public func save(to folder: String) throws {
        try writeJSON(self, to: folder + "/" + ShardFormat.manifestName)
    }
}

/// Encodes `value` as pretty, key-sorted JSON and writes it atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(try encoder.encode(value), to: path)
}
