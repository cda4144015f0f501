import ImageCodecShim

/// Versions of the image codec libraries, for diagnostics.
public enum ImageCodecs {
    public static var pngVersion: String { String(cString: calm_png_version()) }
    public static var jpegVersion: String { "libjpeg API \(calm_jpeg_lib_version())" }
    public static var webpVersion: String {
        let v = calm_webp_decoder_version()
        return "\(v >> 16).\((v >> 8) & 0xff).\(v & 0xff)"
    }
}
