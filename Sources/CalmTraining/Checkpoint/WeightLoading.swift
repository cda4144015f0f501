import CalmAutograd
import CalmHDF5
import CalmModels
import CalmTensor
import Foundation

/// What `loadWeights` did: which parameters came from the file, which kept the values the
/// stage built them with (absent from the file: e.g. a fresh MFAM when starting from an aligned
/// checkpoint, or `model.language_weights`), and which tensors of the file the model has no use for.
public struct WeightLoadReport: Equatable {
    public var loaded: [String]
    public var initialized: [String]
    public var unused: [String]
    /// Parameters (embeddings) with more rows than the file's tensor: its rows were copied, and
    /// each added row is the mean of them.
    public var grown: [String] = []

    /// One line per group, for the run's log.
    public var summary: String {
        func list(_ names: [String]) -> String { names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + ", ..." }
        return "loaded \(loaded.count) tensors; kept as built \(initialized.count)"
            + (initialized.isEmpty ? "" : " (\(list(initialized)))") + "; unused in the file \(unused.count)"
            + (unused.isEmpty ? "" : " (\(list(unused)))") + (grown.isEmpty ? "" : "; grown by mean rows: \(list(grown))")
    }
}

/// Copies the `/params` tensors of a checkpoint or weights export at `path`, or the tensors of
/// a file written by `calm import`, into matching parameters. A checkpoint with a `.sha256`
/// sidecar is verified first. A tensor whose shape differs from its parameter's is an error
/// naming it; nothing is changed in that case.
///
/// The parameters named in `growingRows` (a language model's embedding, when calm's special
/// tokens are added to an imported vocabulary) may have more rows than their tensor: the rows
/// it has are copied and each added one is their mean, so that a new token starts as an
/// average token rather than as noise far from every row the model was trained with.
public func loadWeights(from path: String, into parameters: [(name: String, variable: Variable)],
                        growingRows: Set<String> = []) throws -> WeightLoadReport {
    var stored = try storedParameters(path)
    var grown = [String]()
    for (name, variable) in parameters {
        guard let tensor = stored[name], tensor.shape != variable.shape else { continue }
        guard growingRows.contains(name), tensor.rank == 2, variable.shape.count == 2,
              tensor.shape[1] == variable.shape[1], tensor.shape[0] < variable.shape[0] else {
            throw TrainingError("\(path): tensor \(name) has shape \(tensor.shape), the model's parameter is \(variable.shape)")
        }
        stored[name] = grownByMeanRows(tensor, to: variable.shape[0])
        grown.append(name)
    }
    var report = WeightLoadReport(loaded: [], initialized: [], unused: [], grown: grown)
    for (name, variable) in parameters {
        guard let tensor = stored[name] else { report.initialized.append(name); continue }
        variable.value = tensor.to(variable.dtype).contiguous()
        report.loaded.append(name)
    }
    let known = Set(parameters.map(\.name))
    report.unused = stored.keys.filter { !known.contains($0) }.sorted()
    return report
}

/// `matrix` [r, d] with rows appended up to `rows`, each the mean of its r rows.
private func grownByMeanRows(_ matrix: Tensor, to rows: Int) -> Tensor {
    let (count, width) = (matrix.shape[0], matrix.shape[1])
    var values = matrix.toDoubles()
    var mean = [Double](repeating: 0, count: width)
    for r in 0..<count { for c in 0..<width { mean[c] += values[r * width + c] } }
    for c in 0..<width { mean[c] /= Double(count) }
    for _ in count..<rows { values += mean }
    return Tensor(values, shape: [rows, width]).to(matrix.dtype)
}

/// The parameters stored at `path` by name: a checkpoint's (verified first when it has a
/// `.sha256` sidecar), or those of a `calm import` file (which has no `format_version`).
private func storedParameters(_ path: String) throws -> [String: Tensor] {
    let resolved = CheckpointDirectory.resolve(path)
    let file = try HDF5File.open(resolved)
    let isImport = try !file.attributeNames().contains("format_version")
    try file.close()
    if isImport { return try ImportedWeights.read(from: resolved).tensors }
    if FileManager.default.fileExists(atPath: resolved + ".sha256") { try CheckpointDirectory.verifyChecksum(of: resolved) }
    return Dictionary(try TrainingCheckpoint.read(from: resolved).parameters.map { ($0.name, $0.value) }) { first, _ in first }
}
