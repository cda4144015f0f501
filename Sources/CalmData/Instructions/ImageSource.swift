import Foundation

/// Where the encoded bytes of an instruction record's images come from: a folder of
/// files (relative paths) or data shards (image ids).
public protocol ImageSource {
    /// The encoded image (PNG, JPEG, WebP) for a reference taken from a record.
    func bytes(for id: String) throws -> [UInt8]
    /// Whether `bytes(for:)` would find the image; cheaper than reading it where a source can tell.
    func contains(_ id: String) -> Bool
}

extension ImageSource {
    public func contains(_ id: String) -> Bool { (try? bytes(for: id)) != nil }
}

/// Why an image could not be had from an `ImageSource`.
public struct ImageSourceError: Error, CustomStringConvertible {
    public let id: String
    public let message: String
    public var description: String { "image '\(id)': \(message)" }
}

/// Images stored as files under one root folder, named by paths relative to it.
public struct ImageFolder: ImageSource {
    public let root: URL

    public init(_ root: URL) {
        self.root = root
    }

    /// The file for a relative path; paths that could leave the root are refused.
    public func url(for id: String) throws -> URL {
        let components = id.split(separator: "/", omittingEmptySubsequences: false)
        guard !id.isEmpty, !id.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw ImageSourceError(id: id, message: "not a relative path inside \(root.path)")
        }
        return root.appendingPathComponent(id)
    }

    public func bytes(for id: String) throws -> [UInt8] {
        let file = try url(for: id)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ImageSourceError(id: id, message: "cannot read \(file.path)")
        }
        return [UInt8](data)
    }

    public func contains(_ id: String) -> Bool {
        guard let file = try? url(for: id) else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

extension InstructionRecord {
    /// The encoded bytes of the record's images, in placeholder order.
    public func imageBytes(from source: ImageSource) throws -> [[UInt8]] {
        try images.map { try source.bytes(for: $0) }
    }
}
