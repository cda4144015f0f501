import XCTest
@testable import CalmHDF5

/// Files we write are read by h5py exactly, and files h5py writes are read by us exactly.
final class H5pyCrossCheckTests: XCTestCase {
    func testH5pyReadsWhatCalmWrites() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/calm.h5"
        let weights: [Float] = (0..<24).map { Float($0) * 0.37 - 4.1 }
        let moments: [Double] = (0..<6).map { 1.0 / Double($0 + 3) }
        let images: [[UInt8]] = [[0xFF, 0xD8, 0xFF], [], Array(0...255)]
        let ids = ["shard/a.jpg", "café.png", "日本.webp", ""]

        let file = try HDF5File.create(path)
        try file.write(weights, shape: [2, 3, 4], to: "vision/blocks/3/attn/qkv/weight",
                       options: HDF5DatasetOptions(chunks: [1, 3, 2], gzipLevel: 6))
        try file.write(moments, shape: [3, 2], to: "optimizer/m")
        try file.write([Int32.min, -1, 0, Int32.max], shape: [4], to: "labels")
        try file.write([Int64(-9_000_000_000)], shape: [], to: "step")
        try file.write([UInt8](arrayLiteral: 0, 128, 255, 7), shape: [2, 2], to: "mask")
        try file.write(bytes: images, to: "images", options: HDF5DatasetOptions(chunks: [2]))
        try file.write(strings: ids, to: "ids")
        try file.createGroup("empty/inner")
        try file.setAttribute("schema_version", .int(1))
        try file.setAttribute("source", .string("calm test ü"))
        try file.setAttribute("lr", .double(3e-4))
        try file.setAttribute("taps", .ints([2, 4, 6]))
        try file.setAttribute("betas", .doubles([0.9, 0.95]))
        try file.setAttribute("kind", .string("qkv"), on: "vision/blocks/3/attn")
        try file.close()

        guard let dumped = try runH5pyScript(["dump", path]) else { throw XCTSkip("python3 with h5py is not available") }
        let expected: [String: Any] = [
            "groups": ["/empty", "/empty/inner", "/optimizer", "/vision", "/vision/blocks", "/vision/blocks/3", "/vision/blocks/3/attn",
                       "/vision/blocks/3/attn/qkv"],
            "datasets": [
                "/vision/blocks/3/attn/qkv/weight": ["dtype": "float32", "shape": [2, 3, 4], "values": weights.map { Double($0) }],
                "/optimizer/m": ["dtype": "float64", "shape": [3, 2], "values": moments],
                "/labels": ["dtype": "int32", "shape": [4], "values": [Int(Int32.min), -1, 0, Int(Int32.max)]],
                "/step": ["dtype": "int64", "shape": [Int](), "values": [-9_000_000_000]],
                "/mask": ["dtype": "uint8", "shape": [2, 2], "values": [0, 128, 255, 7]],
                "/images": ["dtype": "bytes", "shape": [3], "values": images.map { $0.map { Int($0) } }],
                "/ids": ["dtype": "string", "shape": [4], "values": ids],
            ],
            "attributes": [
                "/": ["schema_version": 1, "source": "calm test ü", "lr": 3e-4, "taps": [2, 4, 6], "betas": [0.9, 0.95]],
                "/vision/blocks/3/attn": ["kind": "qkv"],
            ],
        ]
        XCTAssertEqual(jsonDifferences(dumped, expected), [])
        // Our own reader agrees with what we wrote, too.
        XCTAssertEqual(jsonDifferences(try dumpWithCalm(HDF5File.open(path)), expected), [])
    }

    func testCalmReadsWhatH5pyWrites() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/h5py.h5"
        guard let written = try runH5pyScript(["write", path]) else { throw XCTSkip("python3 with h5py is not available") }
        let ours = try dumpWithCalm(HDF5File.open(path))
        XCTAssertEqual(jsonDifferences(ours, written), [])
        // The comparison must have covered every kind of dataset the script writes.
        let datasets = try XCTUnwrap(written["datasets"] as? [String: [String: Any]])
        XCTAssertEqual(Set(datasets.values.compactMap { $0["dtype"] as? String }),
                       ["float32", "float64", "int32", "int64", "uint8", "bytes", "string"])
    }
}
