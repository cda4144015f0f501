import CalmAutograd
import CalmTensor
import Foundation

/// What `loadWeights` did: which parameters came from the file, which kept their fresh
/// initialization (absent from the file, e.g. MFAM when starting from an aligned checkpoint),
/// and which tensors of the file the model has no use for.
public struct WeightLoadReport: Equatable {
    public var loaded: [String]
    public var initialized: [String]
    public var unused: [String]

    /// One line per group, for the run's log.
    public var summary: String {
        func list(_ names: [String]) -> String { names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + ", ..." }
        return "loaded \(loaded.count) tensors; freshly initialized \(initialized.count)"
            + (initialized.isEmpty ? "" : " (\(list(initialized)))") + "; unused in the file \(unused.count)"
            + (unused.isEmpty ? "" : " (\(list(unused)))")
    }
}

/// Copies the `/params` tensors of a checkpoint or weights export at `path` into matching
/// parameters. A checkpoint with a `.sha256` sidecar is verified first. A tensor whose shape
/// differs from its parameter's is an error naming it; nothing is changed in that case.
public func loadWeights(from path: String, into parameters: [(name: String, variable: Variable)]) throws -> WeightLoadReport {
    let resolved = CheckpointDirectory.resolve(path)
    if FileManager.default.fileExists(atPath: resolved + ".sha256") { try CheckpointDirectory.verifyChecksum(of: resolved) }
    let stored = Dictionary(try TrainingCheckpoint.read(from: resolved).parameters.map { ($0.name, $0.value) }) { first, _ in first }
    for (name, variable) in parameters {
        if let tensor = stored[name], tensor.shape != variable.shape {
            throw TrainingError("\(path): tensor \(name) has shape \(tensor.shape), the model's parameter is \(variable.shape)")
        }
    }
    var report = WeightLoadReport(loaded: [], initialized: [], unused: [])
    for (name, variable) in parameters {
        guard let tensor = stored[name] else { report.initialized.append(name); continue }
        variable.value = tensor.to(variable.dtype).contiguous()
        report.loaded.append(name)
    }
    let known = Set(parameters.map(\.name))
    report.unused = stored.keys.filter { !known.contains($0) }.sorted()
    return report
}
