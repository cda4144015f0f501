import Foundation

/// Reads the uncompressed 32-bit BMPs (BITFIELDS, BGRA masks) of PngSuite's reference
/// decodes: pixels as RGBA, top row first. Written here so the references are not read
/// through any code under test.
struct ReferenceBMP {
    let width: Int
    let height: Int
    let rgba: [UInt8]

    init(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u32(_ offset: Int) -> Int {
            Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
        }
        func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
        guard bytes.count > 54, bytes[0] == 0x42, bytes[1] == 0x4D, u16(28) == 32 else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        let dataOffset = u32(10)
        let width = u32(18)
        let signedHeight = Int32(truncatingIfNeeded: u32(22))
        let height = Int(signedHeight.magnitude)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for row in 0..<height {
            let storedRow = signedHeight > 0 ? height - 1 - row : row  // positive height: bottom-up
            for x in 0..<width {
                let s = dataOffset + (storedRow * width + x) * 4, d = (row * width + x) * 4
                rgba[d] = bytes[s + 2]
                rgba[d + 1] = bytes[s + 1]
                rgba[d + 2] = bytes[s]
                rgba[d + 3] = bytes[s + 3]
            }
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }
}
