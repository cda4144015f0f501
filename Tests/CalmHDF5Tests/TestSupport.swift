import Foundation
@testable import CalmHDF5

/// A fresh empty folder under the system temporary directory, removed by the caller.
func makeTemporaryFolder(_ name: String = #function) throws -> String {
    let folder = NSTemporaryDirectory() + "calm-hdf5-\(name.filter(\.isLetter))-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Everything in a file, in the JSON layout Scripts/h5py_roundtrip.py prints, read with CalmHDF5.
func dumpWithCalm(_ file: HDF5File) throws -> [String: Any] {
    let members = try file.members()
    var datasets: [String: Any] = [:]
    for member in members where member.kind == .dataset {
        let values: [Any]
        switch member.dtype! {
        case .float32: values = try file.read(Float.self, from: member.path).values.map { Double($0) }
        case .float64: values = try file.read(Double.self, from: member.path).values
        case .int32: values = try file.read(Int32.self, from: member.path).values.map { Int($0) }
        case .int64: values = try file.read(Int64.self, from: member.path).values
        case .uint8: values = try file.read(UInt8.self, from: member.path).values.map { Int($0) }
        case .bytes: values = try file.readBytes(from: member.path).map { $0.map { Int($0) } }
        case .string: values = try file.readStrings(from: member.path)
        case .other: values = ["unsupported"]
        }
        datasets[member.path] = ["dtype": member.dtype!.rawValue, "shape": member.shape!, "values": values]
    }
    var attributes: [String: Any] = [:]
    for path in ["/"] + members.map(\.path) {
        let names = try file.attributeNames(on: path)
        guard !names.isEmpty else { continue }
        var values: [String: Any] = [:]
        for name in names {
            switch try file.attribute(name, on: path) {
            case .int(let value): values[name] = value
            case .double(let value): values[name] = value
            case .string(let value): values[name] = value
            case .ints(let value): values[name] = value
            case .doubles(let value): values[name] = value
            }
        }
        attributes[path] = values
    }
    return ["groups": members.filter { $0.kind == .group }.map(\.path).sorted(), "datasets": datasets, "attributes": attributes]
}

/// Runs Scripts/h5py_roundtrip.py with `arguments` and parses its JSON output;
/// nil when python3 or h5py is unavailable.
func runH5pyScript(_ arguments: [String]) throws -> [String: Any]? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    guard (try? runProcess("/usr/bin/env", ["python3", "-c", "import h5py"])) != nil else { return nil }
    let output = try runProcess("/usr/bin/env", ["python3", root.appendingPathComponent("Scripts/h5py_roundtrip.py").path] + arguments)
    return try JSONSerialization.jsonObject(with: output) as? [String: Any]
}

struct ProcessFailure: Error { let message: String }

/// Runs a program and returns its stdout; throws when it exits non-zero.
func runProcess(_ executable: String, _ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ProcessFailure(message: "\(arguments) failed: \(errorText)") }
    return data
}

/// Where two JSON-like values differ, as "key/path: left ≠ right" lines.
func jsonDifferences(_ left: Any, _ right: Any, at path: String = "") -> [String] {
    switch (left, right) {
    case let (left as [String: Any], right as [String: Any]):
        return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
            guard let l = left[key], let r = right[key] else { return ["\(path)/\(key): present on one side only"] }
            return jsonDifferences(l, r, at: path + "/" + key)
        }
    case let (left as [Any], right as [Any]):
        guard left.count == right.count else { return ["\(path): \(left.count) items ≠ \(right.count) items"] }
        return zip(left, right).enumerated().flatMap { jsonDifferences($0.element.0, $0.element.1, at: "\(path)[\($0.offset)]") }
    case let (left as NSNumber, right as NSNumber):
        // Foundation's JSON parser rounds some doubles; their printed digits are exact, so compare those.
        return Double("\(left)") == Double("\(right)") ? [] : ["\(path): \(left) ≠ \(right)"]
    default:
        return (left as AnyObject as? NSObject)?.isEqual(right) == true ? [] : ["\(path): \(left) ≠ \(right)"]
    }
}
