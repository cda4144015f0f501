import CalmImage

extension ShardLayout {
    /// Checks an image file by decoding it and returns what a shard of this layout stores:
    /// the original bytes, or the image resized (shorter side to S) and centre-cropped to S×S.
    public func prepare(_ bytes: [UInt8], name: String) throws -> ShardImage {
        let image = try ImageDecoder.decode(bytes, name: name)
        switch self {
        case .encoded:
            return .encoded(bytes)
        case .fixed(let size):
            let square = image.resized(shorterSide: size).centerCropped(width: size, height: size)
            return .pixels(width: size, height: size, rgb: square.pixels)
        }
    }
}

extension ShardSample {
    /// The record's image as pixels, decoding stored bytes when needed.
    public func decodedImage() throws -> RGBImage {
        switch image {
        case .encoded(let bytes): return try ImageDecoder.decode(bytes, name: id)
        case .pixels(let width, let height, let rgb): return RGBImage(width: width, height: height, pixels: rgb)
        }
    }
}
