import CalmAutograd
import CalmHDF5
import CalmTensor

/// A weights file or tensor table that does not fit a module.
public struct WeightsError: Error, CustomStringConvertible, Equatable {
    /// The file (or other source) read.
    public let source: String
    /// What is wrong, naming the tensors.
    public let message: String
    public var description: String { "\(source): \(message)" }
}

extension Module {
    /// The HDF5 dataset path of a parameter: its full name with "." → "/".
    public static func datasetPath(_ name: String) -> String { "/" + name.replacingOccurrences(of: ".", with: "/") }

    /// Every parameter's value by full name (float32 as stored).
    public func stateDict() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: parameters().map { ($0.name, $0.variable.value) })
    }

    /// Replaces every parameter's value with the tensor of the same name, converted to the
    /// parameter's dtype. Throws, naming the tensors, when one is missing or mis-shaped, or
    /// (with `strict`) when `tensors` holds names the module lacks; nothing changes then.
    public func load(_ tensors: [String: Tensor], source: String, strict: Bool = true) throws {
        let own = parameters()
        let missing = own.map(\.name).filter { tensors[$0] == nil }
        guard missing.isEmpty else {
            throw WeightsError(source: source, message: "missing \(missing.count) tensor(s): \(listed(missing))")
        }
        if strict {
            let names = Set(own.map(\.name)), extra = tensors.keys.filter { !names.contains($0) }.sorted()
            guard extra.isEmpty else {
                throw WeightsError(source: source, message: "\(extra.count) unexpected tensor(s): \(listed(extra))")
            }
        }
        for (name, variable) in own where tensors[name]!.shape != variable.shape {
            throw WeightsError(source: source,
                               message: "tensor \(name) has shape \(tensors[name]!.shape), the model expects \(variable.shape)")
        }
        for (name, variable) in own { variable.value = tensors[name]!.to(variable.dtype).contiguous() }
    }

    /// Writes every parameter as a float32 dataset at `datasetPath(name)` of a new HDF5 file,
    /// atomically (a temporary file renamed into place).
    public func saveWeights(to path: String) throws {
        try AtomicFile.writeHDF5(to: path) { file in
            for (name, variable) in parameters() {
                let value = variable.value.to(.float32).contiguous()
                try file.write(value.toArray(Float.self), shape: value.shape, to: Self.datasetPath(name))
            }
        }
    }

    /// Loads every parameter from an HDF5 file written by `saveWeights` (or h5py with the same
    /// layout). Errors name the file and the tensors that are missing, extra or mis-shaped.
    public func loadWeights(from path: String, strict: Bool = true) throws {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        var tensors = [String: Tensor]()
        for member in try file.members() where member.kind == .dataset {
            let name = member.path.split(separator: "/").joined(separator: ".")
            guard member.dtype == .float32 else {
                throw WeightsError(source: path, message: "tensor \(name) is \(member.dtype.map { "\($0)" } ?? "?"), expected float32")
            }
            let array = try file.read(Float.self, from: member.path)
            tensors[name] = Tensor(array.values, shape: array.shape)
        }
        try load(tensors, source: path, strict: strict)
    }
}

/// At most eight names, then how many more.
private func listed(_ names: [String]) -> String {
    names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count - 8) more)" : "")
}
