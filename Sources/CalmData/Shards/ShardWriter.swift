import CalmHDF5

/// Writes one shard file from its records.
public enum ShardWriter {
    /// Writes `samples` as a shard at `path` (atomically) and returns the file's SHA-256.
    /// Fixed layouts need every image as `size`×`size` pixels, the encoded layout needs encoded bytes.
    @discardableResult
    public static func write(_ samples: [ShardSample], layout: ShardLayout, source: String, to path: String) throws -> String {
        guard !samples.isEmpty else { throw ShardError(path, "a shard needs at least one record") }
        let labelWidth = samples[0].label?.count
        for (row, sample) in samples.enumerated() {
            guard sample.label?.count == labelWidth else { throw ShardError("\(path)#\(row)", "label width differs from row 0") }
        }
        try AtomicFile.writeHDF5(to: path) { file in
            try file.write(strings: samples.map(\.id), to: "ids")
            switch layout {
            case .encoded:
                let bytes = try samples.enumerated().map { row, sample -> [UInt8] in
                    guard case .encoded(let bytes) = sample.image else { throw ShardError("\(path)#\(row)", "expected encoded image bytes") }
                    return bytes
                }
                try file.write(bytes: bytes, to: "images")
            case .fixed(let size):
                var pixels: [UInt8] = []
                pixels.reserveCapacity(samples.count * size * size * 3)
                for (row, sample) in samples.enumerated() {
                    guard case .pixels(size, size, let rgb) = sample.image else {
                        throw ShardError("\(path)#\(row)", "expected \(size)x\(size) pixels")
                    }
                    pixels += rgb
                }
                // One chunk per image keeps reading a single record cheap.
                try file.write(pixels, shape: [samples.count, size, size, 3], to: "images",
                               options: HDF5DatasetOptions(chunks: [1, size, size, 3]))
            }
            if let labelWidth {
                try file.write(samples.flatMap { $0.label! }, shape: [samples.count, labelWidth], to: "labels")
            }
            try file.setAttribute("schema_version", .int(Int64(ShardFormat.schemaVersion)))
            try file.setAttribute("source", .string(source))
            try file.setAttribute("count", .int(Int64(samples.count)))
            try file.setAttribute("layout", .string(layout.description))
        }
        return try SHA256.hexDigest(ofFile: path)
    }
}
