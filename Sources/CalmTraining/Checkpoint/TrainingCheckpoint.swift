import CalmHDF5
import CalmTensor
import Foundation

/// Everything that determines the rest of a run, as one HDF5 file.
///
/// Layout (format_version 1):
///
///     /params/<name with "." → "/">          float32 parameter (all of them, frozen ones too)
///     /optimizer/m/<name>, /optimizer/v/<name> AdamW moments (trainable parameters only)
///     /generators/<name>                      the stage's own generators' states (4 words as int64)
///     /tokenizer                              tokenizer.json as a one-element string dataset, if any
///                                             (a dataset, not an attribute: attributes are capped at 64 KiB)
///     attributes on /: format_version, kind ("training" | "weights"), step (optimizer steps done),
///       schedule_step (the learning-rate schedule's position), optimizer_updates (AdamW's t),
///       nonfinite_streak, random_state (the runtime generator's four words), data_position (JSON),
///       recipe (the resolved recipe YAML)
///
/// A weights-only export (`kind = weights`) has `/params` and the recipe, nothing else.
public struct TrainingCheckpoint {
    public static let formatVersion: Int64 = 1

    public enum Kind: String { case training, weights }

    public var kind: Kind
    /// Optimizer steps completed: the resumed run starts with step index `step`.
    public var step: Int
    /// The learning-rate schedule's position (equal to `step`: skipped steps advance it too).
    public var scheduleStep: Int
    public var parameters: [(name: String, value: Tensor)]
    public var moments: [String: (m: Tensor, v: Tensor)]
    public var optimizerUpdates: Int
    public var nonFiniteStreak: Int
    public var randomState: [UInt64]
    /// States of the generators the stage owns (`TrainingStage.generators`).
    public var generators: [String: [UInt64]]
    public var dataPosition: String
    public var recipe: String
    public var tokenizer: String?

    public init(kind: Kind = .training, step: Int, scheduleStep: Int, parameters: [(name: String, value: Tensor)],
                moments: [String: (m: Tensor, v: Tensor)], optimizerUpdates: Int, nonFiniteStreak: Int,
                randomState: [UInt64], generators: [String: [UInt64]] = [:], dataPosition: String, recipe: String,
                tokenizer: String? = nil) {
        self.kind = kind
        self.step = step
        self.scheduleStep = scheduleStep
        self.parameters = parameters
        self.moments = moments
        self.optimizerUpdates = optimizerUpdates
        self.nonFiniteStreak = nonFiniteStreak
        self.randomState = randomState
        self.generators = generators
        self.dataPosition = dataPosition
        self.recipe = recipe
        self.tokenizer = tokenizer
    }

    /// The dataset path of a parameter under `group`: "vision.blocks.0.norm1.weight" → "/params/vision/blocks/0/norm1/weight".
    public static func datasetPath(_ name: String, in group: String = "/params") -> String {
        group + "/" + name.replacingOccurrences(of: ".", with: "/")
    }

    /// Writes the checkpoint to `path` atomically (temporary file, fsync, rename).
    public func write(to path: String) throws {
        try AtomicFile.writeHDF5(to: path) { file in
            for (name, value) in parameters { try Self.writeTensor(value, to: Self.datasetPath(name), in: file) }
            if kind == .training {
                for (name, moment) in moments.sorted(by: { $0.key < $1.key }) {
                    try Self.writeTensor(moment.m, to: Self.datasetPath(name, in: "/optimizer/m"), in: file)
                    try Self.writeTensor(moment.v, to: Self.datasetPath(name, in: "/optimizer/v"), in: file)
                }
                for (name, state) in generators.sorted(by: { $0.key < $1.key }) {
                    try file.write(state.map { Int64(bitPattern: $0) }, shape: [state.count], to: Self.datasetPath(name, in: "/generators"))
                }
                if let tokenizer { try file.write(strings: [tokenizer], to: "/tokenizer") }
                try file.setAttribute("step", .int(Int64(step)))
                try file.setAttribute("schedule_step", .int(Int64(scheduleStep)))
                try file.setAttribute("optimizer_updates", .int(Int64(optimizerUpdates)))
                try file.setAttribute("nonfinite_streak", .int(Int64(nonFiniteStreak)))
                try file.setAttribute("random_state", .ints(randomState.map { Int64(bitPattern: $0) }))
                try file.setAttribute("data_position", .string(dataPosition))
            }
            try file.setAttribute("format_version", .int(Self.formatVersion))
            try file.setAttribute("kind", .string(kind.rawValue))
            try file.setAttribute("recipe", .string(recipe))
        }
    }

    /// Reads a checkpoint (training or weights-only) written by `write(to:)`.
    public static func read(from path: String) throws -> TrainingCheckpoint {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        guard case .int(let version) = try file.attribute("format_version") else {
            throw TrainingError("\(path): format_version is not an integer")
        }
        guard version == formatVersion else {
            throw TrainingError("\(path): checkpoint format_version \(version), this calm reads \(formatVersion)")
        }
        guard case .string(let kindName) = try file.attribute("kind"), let kind = Kind(rawValue: kindName) else {
            throw TrainingError("\(path): kind must be 'training' or 'weights'")
        }
        let parameters = try readTensors(under: "/params", in: file)
        let recipe = try string("recipe", in: file)
        guard kind == .training else {
            return TrainingCheckpoint(kind: .weights, step: 0, scheduleStep: 0, parameters: parameters, moments: [:],
                                      optimizerUpdates: 0, nonFiniteStreak: 0, randomState: [], dataPosition: "", recipe: recipe)
        }
        var moments: [String: (m: Tensor, v: Tensor)] = [:]
        if try file.exists("/optimizer") {
            let v = Dictionary(uniqueKeysWithValues: try readTensors(under: "/optimizer/v", in: file))
            for (name, m) in try readTensors(under: "/optimizer/m", in: file) {
                guard let second = v[name] else { throw TrainingError("\(path): /optimizer/v has no moment for \(name)") }
                moments[name] = (m, second)
            }
        }
        guard case .ints(let words) = try file.attribute("random_state"), words.count == 4 else {
            throw TrainingError("\(path): random_state must be four integers")
        }
        var generators: [String: [UInt64]] = [:]
        if try file.exists("/generators") {
            for member in try file.members(under: "/generators") where member.kind == .dataset {
                generators[parameterName(member.path, under: "/generators")] = try file.read(Int64.self, from: member.path).values.map { UInt64(bitPattern: $0) }
            }
        }
        return TrainingCheckpoint(
            kind: .training, step: try int("step", in: file), scheduleStep: try int("schedule_step", in: file),
            parameters: parameters, moments: moments, optimizerUpdates: try int("optimizer_updates", in: file),
            nonFiniteStreak: try int("nonfinite_streak", in: file), randomState: words.map { UInt64(bitPattern: $0) }, generators: generators,
            dataPosition: try string("data_position", in: file), recipe: recipe,
            tokenizer: try file.exists("/tokenizer") ? try file.readStrings(from: "/tokenizer").first : nil)
    }

    /// The resolved recipe a checkpoint was written under, without reading its tensors.
    public static func recipe(in path: String) throws -> String {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        return try string("recipe", in: file)
    }

    /// The parameter names and shapes in a checkpoint's `/params`, without reading the values.
    public static func parameterShapes(in path: String) throws -> [(name: String, shape: [Int])] {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        return try file.members(under: "/params").compactMap { member in
            member.kind == .dataset ? (parameterName(member.path, under: "/params"), member.shape ?? []) : nil
        }
    }

    static func parameterName(_ datasetPath: String, under group: String) -> String {
        String(datasetPath.dropFirst(group.count + 1)).replacingOccurrences(of: "/", with: ".")
    }

    private static func writeTensor(_ tensor: Tensor, to path: String, in file: HDF5File) throws {
        let dense = tensor.to(.float32).contiguous()
        try file.write(dense.toArray(Float.self), shape: dense.shape, to: path)
    }

    private static func readTensors(under group: String, in file: HDF5File) throws -> [(name: String, value: Tensor)] {
        try file.members(under: group).filter { $0.kind == .dataset }.map { member in
            let array = try file.read(Float.self, from: member.path)
            return (parameterName(member.path, under: group), Tensor(array.values, shape: array.shape))
        }
    }

    private static func int(_ name: String, in file: HDF5File) throws -> Int {
        guard case .int(let value) = try file.attribute(name) else { throw TrainingError("\(file.path): attribute \(name) is not an integer") }
        return Int(value)
    }

    private static func string(_ name: String, in file: HDF5File) throws -> String {
        guard case .string(let value) = try file.attribute(name) else { throw TrainingError("\(file.path): attribute \(name) is not a string") }
        return value
    }
}
