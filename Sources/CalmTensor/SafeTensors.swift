import Foundation

/// A problem with a safetensors file; the message names the file and, where known, the tensor.
public struct SafeTensorsError: Error, CustomStringConvertible {
    public let description: String
    init(_ path: String, _ message: String) { description = "safetensors \(path): \(message)" }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header mapping names to dtype, shape and byte range, then the raw little-endian data.
public enum SafeTensors {
    /// Reads every tensor in the file. F16 and BF16 are widened to float32.
    public static func read(_ url: URL) throws -> [String: Tensor] {
        try readWithMetadata(url).tensors
    }

    /// Reads every tensor and the optional `__metadata__` string map.
    public static func readWithMetadata(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw SafeTensorsError(path, "cannot read file (\(error.localizedDescription))")
        }
        guard data.count >= 8 else { throw SafeTensorsError(path, "file of \(data.count) bytes is too short for a header") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw SafeTensorsError(path, "header length \(headerLength) exceeds the file size \(data.count)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = (try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))) as? [String: Any] else {
            throw SafeTensorsError(path, "header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw SafeTensorsError(path, "__metadata__ is not a string map") }
                metadata = m
                continue
            }
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw SafeTensorsError(path, "tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard let format = Format(rawValue: dtypeName) else {
                throw SafeTensorsError(path, "tensor '\(name)' has unsupported dtype \(dtypeName)")
            }
            // Sizes from the header are untrusted: check every product and sum for overflow.
            let byteCount = shape.reduce(Optional(format.byteSize)) { total, extent in
                guard let total, extent >= 0 else { return nil }
                let (product, overflow) = total.multipliedReportingOverflow(by: extent)
                return overflow ? nil : product
            }
            guard let byteCount else { throw SafeTensorsError(path, "tensor '\(name)' has an invalid shape \(shape)") }
            let begin = offsets[0], end = offsets[1], available = data.count - dataStart
            guard begin >= 0, end >= begin, end <= available else {
                throw SafeTensorsError(path, "tensor '\(name)' byte range \(begin)..<\(end) lies outside the data (\(available) bytes)")
            }
            guard end - begin == byteCount else {
                throw SafeTensorsError(path, "tensor '\(name)' has \(end - begin) bytes but \(dtypeName)\(shape) needs \(byteCount)")
            }
            tensors[name] = format.decode(data, from: dataStart + begin, shape: shape)
        }
        return (tensors, metadata)
    }

    /// Writes `tensors` (float32, float64, int32, int64, uint8) atomically: a temporary file
    /// renamed into place, so readers never see a partial file.
    public static func write(_ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:]) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for name in tensors.keys.sorted() {
            let t = tensors[name]!.contiguous()
            let bytes = Data(bytes: t.rawPointer, count: t.count * t.dtype.byteSize)
            header[name] = ["dtype": Format(t.dtype).rawValue, "shape": t.shape, "data_offsets": [body.count, body.count + bytes.count]]
            body.append(bytes)
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))  // align data to 8 bytes
        var file = Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64($0))) })
        file.append(json)
        file.append(body)
        do { try file.write(to: url, options: .atomic) } catch {
            throw SafeTensorsError(url.path, "cannot write file (\(error.localizedDescription))")
        }
    }

    /// The dtypes on disk.
    enum Format: String {
        case f32 = "F32", f64 = "F64", i32 = "I32", i64 = "I64", u8 = "U8", f16 = "F16", bf16 = "BF16"

        init(_ dtype: DType) {
            switch dtype {
            case .float32: self = .f32
            case .float64: self = .f64
            case .int32: self = .i32
            case .int64: self = .i64
            case .uint8: self = .u8
            }
        }

        var byteSize: Int {
            switch self {
            case .f32, .i32: return 4
            case .f64, .i64: return 8
            case .u8: return 1
            case .f16, .bf16: return 2
            }
        }

        func decode(_ data: Data, from start: Int, shape: [Int]) -> Tensor {
            let count = shape.reduce(1, *)  // checked for overflow by the caller
            let dtype: DType
            switch self {
            case .f32, .f16, .bf16: dtype = .float32
            case .f64: dtype = .float64
            case .i32: dtype = .int32
            case .i64: dtype = .int64
            case .u8: dtype = .uint8
            }
            let t = Tensor(uninitialized: shape, dtype: dtype)
            data.withUnsafeBytes { raw in
                let source = raw.baseAddress! + start
                switch self {
                case .f16:
                    let out = t.pointer(as: Float.self)
                    for i in 0..<count { out[i] = Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                case .bf16:
                    let out = t.pointer(as: Float.self)
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
                default:
                    t.rawPointer.copyMemory(from: source, byteCount: count * byteSize)
                }
            }
            return t
        }
    }
}
