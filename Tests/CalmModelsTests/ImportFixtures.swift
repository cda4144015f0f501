import CalmTensor
import Foundation
import XCTest

/// The committed import fixtures (Scripts/fixtures/import_tiny.py) and comparisons against them.
enum ImportFixtures {
    static func url(_ name: String) -> URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/\(name)") }

    static let clipFolder = url("import_tiny_clip")
    static let llamaFolder = url("import_tiny_llama")
    static let gguf = url("import_tiny_llama.gguf")

    /// Reference tensors computed by transformers and gguf-py.
    static let reference: [String: Tensor] = try! SafeTensors.read(url("import_tiny_reference.safetensors"))

    static func ints(_ key: String) -> [Int] { reference[key]!.toDoubles().map { Int($0) } }

    /// max |actual − expected| / max |expected|.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Double {
        XCTAssertEqual(actual.shape, expected.shape)
        let a = actual.toDoubles(), e = expected.toDoubles()
        let scale = e.map(abs).max() ?? 1
        return zip(a, e).map { abs($0 - $1) }.max()! / scale
    }
}
