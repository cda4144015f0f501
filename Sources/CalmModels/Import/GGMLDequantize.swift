import CalmTensor
import CalmText

/// Float32 values of ggml tensor data, computed exactly as ggml's `dequantize_row_*`
/// (ggml-quants.c) and gguf-py's `quants.dequantize` do.
public enum GGMLDequantizer {
    /// The ggml types this importer reads: F32, F16, Q4_1 and Q8_0 (what SmolLM2's GGUFs use).
    public static let supportedTypes: Set<UInt32> = [0, 1, 3, 8]

    /// Dequantizes `out.count` elements of `type` stored in `raw`; the caller checked that
    /// `raw` holds exactly that many elements (GGUFFile does so for every tensor).
    public static func dequantize(_ raw: UnsafeRawBufferPointer, type: GGMLType, into out: UnsafeMutableBufferPointer<Float>) {
        switch type.id {
        case 0: for i in out.indices { out[i] = raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case 1: for i in out.indices { out[i] = half(raw, 2 * i) }
        case 3: dequantizeQ4_1(raw, out)
        case 8: dequantizeQ8_0(raw, out)
        default: preconditionFailure("GGMLDequantizer: unsupported type \(type)")
        }
    }

    @inline(__always)
    static func half(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// block_q4_1 (20 bytes): f16 scale d, f16 minimum m, 16 bytes of 4-bit quants; the low
    /// nibbles are elements 0..15 and the high nibbles 16..31; x = q·d + m.
    static func dequantizeQ4_1(_ raw: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        for block in 0..<(out.count / 32) {
            let base = 20 * block, first = 32 * block
            let d = half(raw, base), m = half(raw, base + 2)
            for j in 0..<16 {
                let q = raw[base + 4 + j]
                out[first + j] = Float(q & 0x0F) * d + m
                out[first + j + 16] = Float(q >> 4) * d + m
            }
        }
    }

    /// block_q8_0 (34 bytes): f16 scale d, 32 signed 8-bit quants; x = q·d.
    static func dequantizeQ8_0(_ raw: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<Float>) {
        for block in 0..<(out.count / 32) {
            let base = 34 * block, first = 32 * block
            let d = half(raw, base)
            for j in 0..<32 { out[first + j] = Float(Int8(bitPattern: raw[base + 2 + j])) * d }
        }
    }
}

extension GGUFFile {
    /// A tensor dequantized to float32, shaped row-major with GGUF's dimensions reversed
    /// (ggml's ne[0] varies fastest, so a [ne0, ne1] matrix becomes [ne1, ne0], PyTorch's [out, in]).
    public func dequantizedTensor(named name: String) throws -> Tensor {
        let info = try tensor(named: name)
        guard GGMLDequantizer.supportedTypes.contains(info.type.id) else {
            throw ImportError(file: url.path, key: "tensor \(name)",
                              message: "ggml type \(info.type) is not supported (F32, F16, Q4_1 and Q8_0 are)")
        }
        let result = Tensor(uninitialized: info.dimensions.reversed(), dtype: .float32)
        try withTensorBytes(named: name) { raw in
            GGMLDequantizer.dequantize(raw, type: info.type,
                                       into: UnsafeMutableBufferPointer(start: result.pointer(as: Float.self), count: info.elementCount))
        }
        return result
    }
}
