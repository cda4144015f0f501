import Foundation

/// A metadata value of a GGUF file.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), array([GGUFValue])
    case uint64(UInt64), int64(Int64), float64(Double)

    /// Any integer value as `Int`.
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var array: [GGUFValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
}

/// A ggml tensor element type: its id, name and storage (elements per block, bytes per block).
public struct GGMLType: Equatable, Sendable, CustomStringConvertible {
    public let id: UInt32
    public var name: String { Self.table[id]?.name ?? "type\(id)" }
    /// Elements per block and bytes per block; nil for a type this reader does not know.
    public var block: (elements: Int, bytes: Int)? { Self.table[id].map { ($0.elements, $0.bytes) } }
    public var description: String { name }

    public init(id: UInt32) { self.id = id }

    // From ggml.h / gguf-py's GGML_QUANT_SIZES.
    private static let table: [UInt32: (name: String, elements: Int, bytes: Int)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
        6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
        10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
        14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
        18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
        22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
        26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
        30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66),
    ]
}

/// One entry of a GGUF tensor directory.
public struct GGUFTensorInfo: Equatable, Sendable {
    public let name: String
    /// Dimensions in GGUF order: the first is the fastest-varying (ggml's ne[0]).
    public let dimensions: [Int]
    public let type: GGMLType
    /// Offset of the data from the start of the file's data section.
    public let offset: Int
    /// Bytes of data; nil when the type is unknown to this reader.
    public let byteCount: Int?

    public var elementCount: Int { dimensions.reduce(1, *) }
}

/// A GGUF file (versions 2 and 3), memory-mapped: metadata and tensor directory are parsed
/// eagerly, tensor data is left in the mapping and handed out as raw bytes by name.
public final class GGUFFile: @unchecked Sendable {
    public let url: URL
    public let version: Int
    /// Metadata keys in file order.
    public let keys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment` (default 32).
    public let alignment: Int
    /// File offset of the tensor data section.
    public let dataOffset: Int

    private let data: Data
    private let tensorIndex: [String: Int]

    public init(url: URL) throws {
        self.url = url
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CalmTextError(file: url.path, key: "file", message: "cannot read: \(error.localizedDescription)")
        }
        do {
            let header = try data.withUnsafeBytes { raw -> Header in
                var cursor = GGUFCursor(raw)
                return try Header(&cursor)
            }
            version = header.version
            keys = header.keys
            metadata = header.metadata
            tensors = header.tensors
            alignment = header.alignment
            dataOffset = header.dataOffset
        } catch let error as CalmTextError { throw error.inFile(url.path) }
        tensorIndex = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for tensor in tensors {
            guard let count = tensor.byteCount else { continue }
            guard tensor.offset <= data.count - dataOffset, count <= data.count - dataOffset - tensor.offset else {
                throw CalmTextError(file: url.path, key: "tensor \(tensor.name)",
                                     message: "data (offset \(tensor.offset), \(count) bytes) runs past the end of the file")
            }
        }
    }

    /// The metadata value under `key`, or an error naming the file and key.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else { throw CalmTextError(file: url.path, key: key, message: "missing") }
        return value
    }

    /// The directory entry of a tensor.
    public func tensor(named name: String) throws -> GGUFTensorInfo {
        guard let i = tensorIndex[name] else { throw CalmTextError(file: url.path, key: "tensor \(name)", message: "no such tensor") }
        return tensors[i]
    }

    /// Calls `body` with the raw (possibly quantized) bytes of a tensor, without copying.
    public func withTensorBytes<R>(named name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try tensor(named: name)
        guard let count = info.byteCount else {
            throw CalmTextError(file: url.path, key: "tensor \(name)", message: "unknown ggml type \(info.type.id)")
        }
        return try data.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[(dataOffset + info.offset)..<(dataOffset + info.offset + count)]))
        }
    }

    /// A copy of the raw bytes of a tensor.
    public func tensorBytes(named name: String) throws -> Data {
        try withTensorBytes(named: name) { Data($0) }
    }

    /// Everything before the tensor data.
    private struct Header {
        var version = 0, alignment = 32, dataOffset = 0
        var keys = [String]()
        var metadata = [String: GGUFValue]()
        var tensors = [GGUFTensorInfo]()

        init(_ cursor: inout GGUFCursor) throws {
            guard try cursor.bytes(4, "magic").elementsEqual("GGUF".utf8) else {
                throw CalmTextError.invalid("magic", "not a GGUF file")
            }
            version = Int(try cursor.read(UInt32.self, "version"))
            guard version == 2 || version == 3 else { throw CalmTextError.unsupported("version", version) }
            let tensorCount = try cursor.count("tensor_count")
            let keyCount = try cursor.count("kv_count")
            for _ in 0..<keyCount {
                let key = try cursor.string("metadata key")
                let type = try cursor.read(UInt32.self, key)
                metadata[key] = try cursor.value(type: type, key)
                keys.append(key)
            }
            if let value = metadata["general.alignment"] {
                guard let a = value.int, a > 0, a & (a - 1) == 0 else { throw CalmTextError.invalid("general.alignment", "\(value)") }
                alignment = a
            }
            for _ in 0..<tensorCount {
                let name = try cursor.string("tensor name")
                let rank = Int(try cursor.read(UInt32.self, "tensor \(name)"))
                guard rank <= 8 else { throw CalmTextError.invalid("tensor \(name)", "rank \(rank)") }
                let dimensions = try (0..<rank).map { _ in try cursor.count("tensor \(name)") }
                let type = GGMLType(id: try cursor.read(UInt32.self, "tensor \(name)"))
                let offset = try cursor.count("tensor \(name)")
                var elements = 1
                for d in dimensions {
                    let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                    guard !overflow else { throw CalmTextError.invalid("tensor \(name)", "shape \(dimensions) is too large") }
                    elements = product
                }
                var byteCount: Int?
                if let block = type.block {
                    guard elements % block.elements == 0 else {
                        throw CalmTextError.invalid("tensor \(name)", "\(elements) elements are not whole \(type) blocks")
                    }
                    byteCount = elements / block.elements * block.bytes
                }
                tensors.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount))
            }
            dataOffset = (cursor.position + alignment - 1) / alignment * alignment
        }
    }
}

/// Little-endian reads from the mapped file, each naming the key it reads for errors.
private struct GGUFCursor {
    let raw: UnsafeRawBufferPointer
    var position = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func bytes(_ n: Int, _ key: String) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= raw.count - position else { throw CalmTextError.invalid(key, "file truncated at byte \(position)") }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: raw[position..<(position + n)])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ key: String) throws -> T {
        T(littleEndian: try bytes(MemoryLayout<T>.size, key).loadUnaligned(as: T.self))
    }

    /// A u64 count or size that must fit the file.
    mutating func count(_ key: String) throws -> Int {
        let n = try read(UInt64.self, key)
        guard n <= UInt64(Int.max) else { throw CalmTextError.invalid(key, "count \(n) too large") }
        return Int(n)
    }

    mutating func string(_ key: String) throws -> String {
        let length = try count(key)
        guard let s = String(validating: try bytes(length, key), as: UTF8.self) else {
            throw CalmTextError.invalid(key, "string is not valid UTF-8")
        }
        return s
    }

    mutating func value(type: UInt32, _ key: String) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try read(UInt8.self, key))
        case 1: return .int8(try read(Int8.self, key))
        case 2: return .uint16(try read(UInt16.self, key))
        case 3: return .int16(try read(Int16.self, key))
        case 4: return .uint32(try read(UInt32.self, key))
        case 5: return .int32(try read(Int32.self, key))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self, key)))
        case 7:
            let b = try read(UInt8.self, key)
            guard b <= 1 else { throw CalmTextError.invalid(key, "bool byte \(b)") }
            return .bool(b == 1)
        case 8: return .string(try string(key))
        case 9:
            let elementType = try read(UInt32.self, key)
            let n = try count(key)
            guard n <= raw.count - position else { throw CalmTextError.invalid(key, "array of \(n) runs past the end of the file") }
            var values = [GGUFValue]()
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try value(type: elementType, key)) }
            return .array(values)
        case 10: return .uint64(try read(UInt64.self, key))
        case 11: return .int64(try read(Int64.self, key))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self, key)))
        default: throw CalmTextError.invalid(key, "unknown GGUF value type \(type)")
        }
    }
}
