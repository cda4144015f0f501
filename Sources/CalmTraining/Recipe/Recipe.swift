import Foundation
import Yams

/// A training recipe: everything one stage of training needs, read from a YAML file in
/// `Recipes/` plus `key.sub=value` overrides, validated before any work starts.
public struct Recipe: Equatable {
    public enum Stage: String, CaseIterable { case align, vision, pretrain, instruct, personalize }

    public struct Model: Equatable {
        /// A reference configuration name ("calm-tiny", "calm-small") or a config file.
        public var config: String
        /// The previous stage's checkpoint this stage starts from, if any.
        public var initFrom: String?
        /// Imported pretrained weights (`calm import ...`), if any.
        public var visionWeights: String?
        public var languageWeights: String?
        public var tokenizer: String?
    }

    public struct DataSource: Equatable {
        public enum Kind: String, CaseIterable { case shards, instructions }
        public var name: String
        public var kind: Kind
        public var path: String
        /// Relative sampling weight in the mixture.
        public var weight: Double
    }

    public struct DataSection: Equatable {
        public var sources: [DataSource]
        public var workers: Int
        public var shuffleBuffer: Int
    }

    public struct Train: Equatable {
        public var maxSteps: Int
        public var batchSize: Int
        public var gradientAccumulation: Int
        /// Shards each micro-batch is cut into, trained concurrently one core each (`ShardedStage`);
        /// nil (`auto`): `ShardedBackward.automaticCount`.
        public var shardsPerStep: Int?
        /// Global gradient-norm clip; 0 turns clipping off.
        public var gradientClip: Double
        public var seed: Int
        /// Parameter-name patterns (`*` matches any run of characters) that train; all others are frozen.
        public var trainable: [String]
        /// Patterns frozen even when `trainable` matches them.
        public var frozen: [String]
        /// Consecutive non-finite steps tolerated (each skipped) before the run stops.
        public var maxNonFiniteSteps: Int
        public var logEvery: Int
    }

    public struct Optimizer: Equatable {
        public enum Name: String, CaseIterable { case adamw }
        public var name: Name
        public var learningRate: Double
        public var betas: [Double]
        public var eps: Double
        public var weightDecay: Double
        /// Parameters matching these patterns get no weight decay (norms and biases by default).
        public var noDecay: [String]
    }

    public struct Schedule: Equatable {
        public enum Decay: String, CaseIterable { case cosine, linear, constant }
        public var warmupSteps: Int
        public var decay: Decay
        /// The learning rate at the end of decay, as a fraction of the peak.
        public var minLearningRateRatio: Double
    }

    public struct Checkpointing: Equatable {
        public var every: Int
        public var keepLast: Int
        /// Also keep every K-th step's checkpoint (0: none beyond the last N).
        public var keepEvery: Int
    }

    public struct Evaluation: Equatable {
        /// Evaluate every N steps (0: only at the end).
        public var every: Int
    }

    /// The vision warm-up's heads (`stage: vision`).
    public struct Warmup: Equatable {
        /// The middle-scale heads read the tap's patch tokens averaged over this many cells per
        /// side (1: the mean token); composition is about where things are.
        public var middleGrid: Int
    }

    public var file: String
    public var summary: String
    public var stage: Stage
    public var model: Model
    public var data: DataSection
    public var train: Train
    public var optimizer: Optimizer
    public var schedule: Schedule
    public var checkpoint: Checkpointing
    public var evaluation: Evaluation
    /// The pretrain stage's objective (`pretrain.*`; see `PretrainOptions`).
    public var pretrain: PretrainOptions
    public var warmup: Warmup
    public var runDirectory: String
    /// The recipe with every default filled in, as YAML: written into the run folder.
    public var resolvedYAML: String

    /// Loads and validates a recipe. `overrides` are `key.sub=value` strings; with
    /// `checkFiles`, every path the recipe names must exist.
    public static func load(file: String, overrides: [String] = [], checkFiles: Bool = true) throws -> Recipe {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw RecipeError(file: file, key: "", problem: "cannot read the recipe file")
        }
        return try parse(yaml: text, file: file, overrides: overrides, checkFiles: checkFiles)
    }

    public static func parse(yaml: String, file: String, overrides: [String] = [], checkFiles: Bool = true) throws -> Recipe {
        var root = try RecipeNode.parse(yaml: yaml, file: file)
        for text in overrides {
            let (path, value) = try RecipeNode.parseOverride(text, file: file)
            root = root.setting(value, at: path)
        }
        let reader = RecipeReader(root: root, file: file, checkFiles: checkFiles)
        var recipe = try Recipe(reader: reader, file: file)
        try reader.rejectUnknownKeys()
        recipe.resolvedYAML = try Yams.serialize(node: reader.resolved.yamlNode)
        return recipe
    }

    private init(reader r: RecipeReader, file: String) throws {
        self.file = file
        summary = try r.string("description", default: "")
        stage = try r.choice("stage")
        model = Model(
            config: try r.string("model.config", default: "calm-tiny"),
            initFrom: try r.path("model.init_from", optional: true),
            visionWeights: try r.path("model.vision_weights", optional: true),
            languageWeights: try r.path("model.language_weights", optional: true),
            tokenizer: try r.path("model.tokenizer", optional: true))
        let sources = try r.entries("data.sources").map { name in
            let key = "data.sources.\(name)"
            return DataSource(name: name, kind: try r.choice("\(key).kind"), path: try r.path("\(key).path")!,
                              weight: try r.double("\(key).weight", default: 1, min: 0))
        }
        data = DataSection(sources: sources,
                           workers: try r.int("data.workers", default: 2, min: 1),
                           shuffleBuffer: try r.int("data.shuffle_buffer", default: 256, min: 1))
        train = Train(
            maxSteps: try r.int("train.max_steps", min: 1),
            batchSize: try r.int("train.batch_size", default: 8, min: 1),
            gradientAccumulation: try r.int("train.gradient_accumulation", default: 1, min: 1),
            shardsPerStep: try Self.shards(try r.string("train.shards_per_step", default: "auto"), reader: r),
            gradientClip: try r.double("train.gradient_clip", default: 1.0, min: 0),
            seed: try r.int("train.seed", default: 0),
            trainable: try r.strings("train.trainable", default: ["*"]),
            frozen: try r.strings("train.frozen", default: []),
            maxNonFiniteSteps: try r.int("train.max_nonfinite_steps", default: 5, min: 1),
            logEvery: try r.int("train.log_every", default: 10, min: 1))
        optimizer = Optimizer(
            name: try r.choice("optimizer.name", default: Optimizer.Name.adamw),
            learningRate: try r.double("optimizer.lr", min: 0),
            betas: try r.doubles("optimizer.betas", count: 2, default: [0.9, 0.999]),
            eps: try r.double("optimizer.eps", default: 1e-8, min: 0),
            weightDecay: try r.double("optimizer.weight_decay", default: 0.05, min: 0),
            noDecay: try r.strings("optimizer.no_decay", default: ["*.bias", "*norm*", "*embedding*", "*queries*", "*class_token*", "*positions*"]))
        schedule = Schedule(
            warmupSteps: try r.int("schedule.warmup_steps", default: 0, min: 0),
            decay: try r.choice("schedule.decay", default: Schedule.Decay.cosine),
            minLearningRateRatio: try r.double("schedule.min_lr_ratio", default: 0.1, min: 0, max: 1))
        checkpoint = Checkpointing(
            every: try r.int("checkpoint.every", default: 100, min: 1),
            keepLast: try r.int("checkpoint.keep_last", default: 3, min: 1),
            keepEvery: try r.int("checkpoint.keep_every", default: 0, min: 0))
        evaluation = Evaluation(every: try r.int("eval.every", default: 0, min: 0))
        pretrain = try PretrainOptions(reader: r)
        warmup = Warmup(middleGrid: try r.int("warmup.middle_grid", default: 1, min: 1))
        runDirectory = try r.string("run.dir", default: "runs/\((file as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: ""))")
        resolvedYAML = ""
        try validate(reader: r)
    }

    /// `auto` (nil) or a positive shard count.
    private static func shards(_ text: String, reader r: RecipeReader) throws -> Int? {
        if text == "auto" { return nil }
        guard let count = Int(text), count >= 1 else { throw r.error("train.shards_per_step", "must be auto or a positive integer, got '\(text)'") }
        return count
    }

    /// Rules that tie several keys together.
    private func validate(reader r: RecipeReader) throws {
        if optimizer.betas.contains(where: { $0 < 0 || $0 >= 1 }) {
            throw r.error("optimizer.betas", "each beta must be in [0, 1)")
        }
        if schedule.warmupSteps > train.maxSteps {
            throw r.error("schedule.warmup_steps", "is longer than train.max_steps (\(train.maxSteps))")
        }
        let needed: DataSource.Kind = (stage == .instruct || stage == .personalize) ? .instructions : .shards
        if !data.sources.contains(where: { $0.kind == needed }) {
            throw r.error("data.sources", "the \(stage.rawValue) stage needs at least one source of kind '\(needed.rawValue)'")
        }
        if data.sources.allSatisfy({ $0.weight == 0 }) {
            throw r.error("data.sources", "at least one source needs a weight above 0")
        }
    }

    /// Whether a parameter trains under this recipe: it matches `train.trainable` and no `train.frozen` pattern.
    public func trains(parameter name: String) -> Bool {
        train.trainable.contains { NamePattern.matches($0, name) } && !train.frozen.contains { NamePattern.matches($0, name) }
    }

    /// Whether a parameter gets weight decay.
    public func decays(parameter name: String) -> Bool {
        !optimizer.noDecay.contains { NamePattern.matches($0, name) }
    }
}

/// Glob patterns over hierarchical parameter names: `*` matches any run of characters
/// (dots included), `?` one character; everything else matches itself.
public enum NamePattern {
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.utf8), n = Array(name.utf8)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == n[ni] {
                pi += 1; ni += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

extension RecipeNode {
    var yamlNode: Node {
        switch self {
        case let .mapping(pairs, _): return .mapping(.init(pairs.map { (Node($0.key), $0.value.yamlNode) }))
        case let .list(items, _): return .sequence(.init(items.map(\.yamlNode), .implicit, .flow))
        case let .scalar(text, _): return Node(text)
        case .null: return Node("null")
        }
    }
}
