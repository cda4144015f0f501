import Foundation
import XCTest
@testable import CalmTensor

final class SafeTensorsTests: XCTestCase {
    private func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("calm-\(UUID().uuidString)-\(name)")
    }

    private func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "safetensors")!
    }

    func testReadsEveryDTypeWrittenByPyTorch() throws {
        let (t, metadata) = try SafeTensors.readWithMetadata(fixture("formats"))
        let expected = try SafeTensors.read(fixture("formats_expected"))
        let values = [0.5, -1.25, 3.0, 65504.0, -0.0, 1e-3]
        XCTAssertEqual(metadata, ["source": "tensor_formats.py"])
        XCTAssertEqual(t["f64"]!.toDoubles(), values)
        XCTAssertEqual(t["f32"]!.toArray(Float.self), values.map { Float($0) })
        XCTAssertEqual(t["f16"]!.dtype, .float32)
        XCTAssertEqual(t["f16"]!.toDoubles(), expected["expected.f16"]!.toDoubles())
        XCTAssertEqual(t["bf16"]!.toDoubles(), expected["expected.bf16"]!.toDoubles())
        XCTAssertEqual(t["i32"]!.toArray(Int32.self), [-7, 0, Int32.max])
        XCTAssertEqual(t["i64"]!.toArray(Int64.self), [-(1 << 40), 5])
        XCTAssertEqual(t["u8"]!.toArray(UInt8.self), [0, 128, 255])
        XCTAssertEqual(t["scalar"]!.shape, [])
        XCTAssertEqual(t["scalar"]!.item, 2.5)
    }

    func testRoundTripKeepsDTypesShapesAndValues() throws {
        var rng = RandomGenerator(seed: 3)
        let tensors: [String: Tensor] = [
            "w": Tensor.normal([3, 5], using: &rng),
            "w64": Tensor.normal([2, 2], dtype: .float64, using: &rng),
            "ids": Tensor([1, -2, 3] as [Int64]),
            "ids32": Tensor([4, 5] as [Int32], shape: [1, 2]),
            "pixels": Tensor([0, 7, 255] as [UInt8]),
            "view": Tensor.normal([4, 3], using: &rng).transposed(),   // written packed
        ]
        let url = temporaryURL("roundtrip.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(tensors, to: url, metadata: ["step": "12"])
        let (back, metadata) = try SafeTensors.readWithMetadata(url)
        XCTAssertEqual(metadata, ["step": "12"])
        XCTAssertEqual(Set(back.keys), Set(tensors.keys))
        for (name, t) in tensors {
            XCTAssertEqual(back[name]!.dtype, t.dtype, name)
            XCTAssertEqual(back[name]!.shape, t.shape, name)
            XCTAssertEqual(back[name]!.toDoubles(), t.toDoubles(), name)
        }
    }

    func testPythonReadsOurFiles() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import safetensors.numpy"]
        try? probe.run()
        probe.waitUntilExit()
        guard probe.terminationReason == .exit, probe.terminationStatus == 0 else {
            throw XCTSkip("python3 with the safetensors package is not available")
        }
        let url = temporaryURL("for-python.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(["a": Tensor([1.5, -2, 4] as [Float], shape: [3, 1]), "b": Tensor([9, 8] as [Int64])], to: url)
        let script = """
        import sys, numpy as np
        from safetensors.numpy import load_file
        t = load_file(sys.argv[1])
        assert t["a"].dtype == np.float32 and t["a"].shape == (3, 1), t["a"]
        assert t["a"].ravel().tolist() == [1.5, -2.0, 4.0]
        assert t["b"].dtype == np.int64 and t["b"].tolist() == [9, 8]
        """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, url.path]
        try python.run()
        python.waitUntilExit()
        XCTAssertEqual(python.terminationStatus, 0, "safetensors.numpy could not read our file")
    }

    func testMalformedFilesThrowErrorsNamingTheFile() throws {
        func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
            let json = Array(header.utf8)
            let n = declaredLength ?? UInt64(json.count)
            return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + json + data
        }
        let cases: [(name: String, bytes: [UInt8], message: String)] = [
            ("short", [1, 2, 3], "too short"),
            ("overlong", file("{}", declaredLength: 1000), "exceeds the file size"),
            ("notjson", file("[1, 2"), "not a JSON object"),
            ("nokeys", file(#"{"a": {"dtype": "F32"}}"#), "tensor 'a' lacks"),
            ("dtype", file(#"{"a": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}"#, data: Array(repeating: 0, count: 8)), "unsupported dtype C64"),
            ("range", file(#"{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}"#, data: [0, 0]), "outside the data"),
            ("size", file(#"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: Array(repeating: 0, count: 8)), "needs 12"),
            ("overflow", file(#"{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}"#), "invalid shape"),
            ("negative", file(#"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}"#), "invalid shape"),
            ("huge", file(#"{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 9223372036854775807]}}"#), "outside the data"),
            ("metadata", file(#"{"__metadata__": {"step": 3}}"#), "__metadata__ is not a string map"),
        ]
        for c in cases {
            let url = temporaryURL("\(c.name).safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data(c.bytes).write(to: url)
            XCTAssertThrowsError(try SafeTensors.read(url), c.name) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(url.lastPathComponent), "\(c.name): \(text)")
                XCTAssertTrue(text.contains(c.message), "\(c.name): \(text)")
            }
        }
        XCTAssertThrowsError(try SafeTensors.read(temporaryURL("missing.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("missing.safetensors"))
        }
    }
}
