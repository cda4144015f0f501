import Foundation
import XCTest

/// One tensor of the NN fixture file, values widened to Double (ids and masks are exact).
struct NNFixtureTensor {
    let shape: [Int]
    let dtype: String  // safetensors name: F32, I64, I32, U8, BOOL
    let values: [Double]
    var isFloat: Bool { dtype == "F32" }
}

/// A case of Fixtures/nn_ops.json: the spec (op) it runs, its attributes and inputs.
struct NNFixtureSpec {
    let name: String
    let op: String
    let params: [String: Double]

    func param(_ key: String) throws -> Double {
        guard let value = params[key] else { throw NNFixtureError("case \(name) lacks attribute '\(key)'") }
        return value
    }
}

struct NNFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The spec list and the PyTorch tensors written by Scripts/fixtures/nn_ops.py.
struct NNFixtures {
    let specs: [NNFixtureSpec]
    let tensors: [String: NNFixtureTensor]

    static func load() throws -> NNFixtures {
        guard let json = Bundle.module.url(forResource: "Fixtures/nn_ops", withExtension: "json"),
              let file = Bundle.module.url(forResource: "Fixtures/nn_ops", withExtension: "safetensors")
        else { throw NNFixtureError("nn_ops fixtures missing from the test bundle") }
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]]
        else { throw NNFixtureError("nn_ops.json has no \"cases\" list") }
        let specs = try cases.map { c in
            guard let name = c["name"] as? String, let op = c["spec"] as? String
            else { throw NNFixtureError("nn_ops.json: a case lacks name or spec") }
            let attrs = (c["attrs"] as? [String: Any] ?? [:]).compactMapValues { value -> Double? in
                (value as? NSNumber)?.doubleValue ?? (value as? Bool).map { $0 ? 1 : 0 }
            }
            return NNFixtureSpec(name: name, op: op, params: attrs)
        }
        return NNFixtures(specs: specs, tensors: try readSafetensors(file))
    }

    func tensor(_ spec: NNFixtureSpec, _ role: String, _ index: Int) throws -> NNFixtureTensor {
        guard let t = tensors["\(spec.name).\(role).\(index)"] else {
            throw NNFixtureError("fixture lacks \(spec.name).\(role).\(index)")
        }
        return t
    }

    /// The inputs of a case, input.0, input.1, ... as far as they go.
    func inputs(_ spec: NNFixtureSpec) throws -> [NNFixtureTensor] {
        let found = Array((0...).lazy.map { tensors["\(spec.name).input.\($0)"] }.prefix { $0 != nil }.compactMap { $0 })
        guard !found.isEmpty else { throw NNFixtureError("fixture lacks \(spec.name).input.0") }
        return found
    }

    /// A minimal little-endian safetensors reader for the dtypes the generator writes.
    private static func readSafetensors(_ url: URL) throws -> [String: NNFixtureTensor] {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) })
        guard let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength)) as? [String: Any]
        else { throw NNFixtureError("\(url.path): header is not a JSON object") }
        var tensors: [String: NNFixtureTensor] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let entry = entry as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int]
            else { throw NNFixtureError("\(url.path): bad entry \(name)") }
            let bytes = data.subdata(in: 8 + headerLength + offsets[0]..<8 + headerLength + offsets[1])
            let values: [Double] = try bytes.withUnsafeBytes { raw in
                switch dtype {
                case "F32": return raw.bindMemory(to: Float.self).map(Double.init)
                case "I64": return raw.bindMemory(to: Int64.self).map(Double.init)
                case "I32": return raw.bindMemory(to: Int32.self).map(Double.init)
                case "U8", "BOOL": return raw.bindMemory(to: UInt8.self).map(Double.init)
                default: throw NNFixtureError("\(url.path): \(name) has unexpected dtype \(dtype)")
                }
            }
            tensors[name] = NNFixtureTensor(shape: shape, dtype: dtype, values: values)
        }
        return tensors
    }
}
