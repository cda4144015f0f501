@testable import CalmAutograd
import CalmTensor
import Foundation

/// Absolute and relative tolerance: |actual - expected| <= atol + rtol * |expected|.
struct Tolerance {
    var atol: Double
    var rtol: Double

    func accepts(_ actual: Double, _ expected: Double) -> Bool {
        abs(actual - expected) <= atol + rtol * abs(expected)
    }
}

/// One row of a spec table: how to build an op's output from its case inputs and attributes,
/// and how closely it must match finite differences (float64) and PyTorch (float32).
struct OpSpec {
    let name: String
    var gradcheck = Tolerance(atol: 1e-7, rtol: 1e-6)
    var parity = Tolerance(atol: 1e-5, rtol: 1e-4)
    let build: ([Variable], SpecAttributes) -> Variable

    init(_ name: String, gradcheck: Tolerance? = nil, parity: Tolerance? = nil,
         build: @escaping ([Variable], SpecAttributes) -> Variable) {
        self.name = name
        self.build = build
        if let gradcheck { self.gradcheck = gradcheck }
        if let parity { self.parity = parity }
    }
}

/// The `attrs` object of a case.
struct SpecAttributes {
    let values: [String: Any]

    func int(_ key: String) -> Int { values[key] as! Int }
    func double(_ key: String) -> Double { (values[key] as! NSNumber).doubleValue }
    func ints(_ key: String) -> [Int] { values[key] as! [Int] }
    func optionalInts(_ key: String) -> [Int]? { values[key] as? [Int] }
    func bool(_ key: String) -> Bool { values[key] as? Bool ?? false }
}

/// One case of a `<family>_ops.json` file, with its PyTorch goldens from the sibling
/// `<family>_ops.safetensors`.
struct SpecCase {
    let name: String
    let spec: String
    let attributes: SpecAttributes
    let inputs: [Tensor]
    let output: Tensor
    let cotangent: Tensor
    let grads: [Tensor?]

    /// Every case of every `*_ops.json` fixture family.
    static func loadAll() throws -> [SpecCase] {
        let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return try files.filter { $0.lastPathComponent.hasSuffix("_ops.json") }
            .sorted { $0.path < $1.path }
            .flatMap(load)
    }

    static func load(_ json: URL) throws -> [SpecCase] {
        let goldens = try SafeTensors.read(json.deletingPathExtension().appendingPathExtension("safetensors"))
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        return try (root["cases"] as! [[String: Any]]).map { c in
            let name = c["name"] as! String
            func golden(_ key: String) throws -> Tensor {
                guard let t = goldens[key] else { throw FixtureError("\(json.lastPathComponent): no tensor \(key); rerun the generator") }
                return t
            }
            let count = (c["inputs"] as! [Any]).count
            let inputs = try (0..<count).map { try golden("\(name).input.\($0)") }
            return SpecCase(name: name, spec: c["spec"] as! String,
                            attributes: SpecAttributes(values: c["attrs"] as? [String: Any] ?? [:]),
                            inputs: inputs, output: try golden("\(name).output.0"),
                            cotangent: try golden("\(name).cotangent.0"),
                            grads: (0..<count).map { goldens["\(name).grad.\($0)"] })
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
