import Foundation
import ImageCodecShim

/// An image that could not be encoded or written; the message names the file.
public struct ImageWriteError: Error, CustomStringConvertible {
    /// The destination ("<memory>" for `encode`).
    public let path: String
    /// What went wrong.
    public let reason: String

    public var description: String { "cannot write image '\(path)': \(reason)" }
}

/// Encodes 8-bit RGB images as PNG (libpng, default compression).
public enum PNGWriter {
    /// The PNG file for `image`, in memory.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            calm_png_encode(pixels.baseAddress, Int32(image.width), Int32(image.height),
                            &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            throw ImageWriteError(path: "<memory>", reason: "libpng: \(String(cString: message))")
        }
        defer { calm_image_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Writes `image` as a PNG file atomically: to a temporary file beside `path`, then
    /// renamed over it, so readers never see a half-written file.
    public static func write(_ image: RGBImage, to path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try encode(image)
        } catch let error as ImageWriteError {
            throw ImageWriteError(path: path, reason: error.reason)
        }
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw ImageWriteError(path: path, reason: "cannot create temporary file '\(temporary)'")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ImageWriteError(path: path, reason: "rename failed: \(reason)")
        }
    }
}
