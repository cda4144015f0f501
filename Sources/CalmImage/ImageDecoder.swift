import Foundation
import ImageCodecShim

/// The encoded formats calm reads.
public enum ImageFormat: Sendable {
    case png, jpeg, webp

    /// Recognizes a format from its magic bytes; nil when none matches.
    public init?(sniffing bytes: [UInt8]) {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts([0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) {
            self = .webp
        } else {
            return nil
        }
    }
}

/// A file that could not be read or decoded; the message names the file.
public struct ImageDecodeError: Error, CustomStringConvertible {
    /// The file name (or other label) the caller gave for the bytes.
    public let name: String
    /// What went wrong, in the codec's words where it gave any.
    public let reason: String

    public var description: String { "cannot decode image '\(name)': \(reason)" }
}

/// Decodes PNG, JPEG and WebP to 8-bit RGB.
///
/// Alpha is dropped (colours stay as stored), 16-bit PNG samples keep their high byte,
/// colour-management chunks are ignored, CMYK and greyscale JPEGs become RGB, and a
/// JPEG's EXIF orientation is applied, so the result is upright.
public enum ImageDecoder {
    /// Decodes an in-memory file, sniffing its format; `name` labels errors.
    ///
    /// `minimumShorterSide` lets a JPEG decode at 1/2, 1/4 or 1/8 of its size (libjpeg's DCT
    /// scaling, several times faster) while its shorter side stays at least that long: for
    /// pipelines that downscale anyway. Other formats always decode at full size.
    public static func decode(_ bytes: [UInt8], name: String, minimumShorterSide: Int? = nil) throws -> RGBImage {
        guard let format = ImageFormat(sniffing: bytes) else {
            throw ImageDecodeError(name: name, reason: "unknown format (not PNG, JPEG or WebP)")
        }
        var result = calm_decoded_image()
        let status = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            switch format {
            case .png: return calm_png_decode(buffer.baseAddress, buffer.count, &result)
            case .jpeg: return calm_jpeg_decode(buffer.baseAddress, buffer.count, Int32(clamping: minimumShorterSide ?? 0), &result)
            case .webp: return calm_webp_decode(buffer.baseAddress, buffer.count, &result)
            }
        }
        guard status == 0, let decoded = result.pixels else {
            let reason = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImageDecodeError(name: name, reason: "\(format): \(reason)")
        }
        defer { calm_image_free(decoded) }
        let width = Int(result.width), height = Int(result.height)
        let image = RGBImage(width: width, height: height,
                             pixels: Array(UnsafeBufferPointer(start: decoded, count: width * height * 3)))
        return image.oriented(exif: Int(result.orientation))
    }

    /// Reads and decodes a file (see `decode(_:name:minimumShorterSide:)`).
    public static func decode(contentsOf path: String, minimumShorterSide: Int? = nil) throws -> RGBImage {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ImageDecodeError(name: path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try decode(bytes, name: path, minimumShorterSide: minimumShorterSide)
    }
}
