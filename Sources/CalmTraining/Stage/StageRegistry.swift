/// Which stage `calm train` builds for a recipe, keyed by `model.config`.
///
/// The plug-in point for new stages: register a factory that builds the model (loading nothing:
/// the runtime applies `model.init_from` and resume) and its batch source + loss from the recipe,
/// e.g. `StageRegistry.register("calm-tiny") { recipe in try CalmStage(recipe) }`, choosing the
/// pretrain or instruct loss from `recipe.stage`.
public enum StageRegistry {
    public typealias Factory = (Recipe) throws -> TrainingStage

    private static var factories: [String: Factory] = [
        "probe-mlp": { try ImageProbeStage(recipe: $0) },
        "calm-tiny": calmStage,
        "calm-small": calmStage,
    ]

    /// The CALM model's stages by `recipe.stage`; also used for `model.config` files (.yaml/.json).
    private static func calmStage(_ recipe: Recipe) throws -> TrainingStage {
        switch recipe.stage {
        case .vision: return try VisionWarmupStage(recipe: recipe)
        case .pretrain: return try PretrainStage(recipe: recipe)
        default: throw TrainingError("\(recipe.file): the \(recipe.stage.rawValue) stage of the CALM model is not wired in yet")
        }
    }

    /// Adds or replaces the factory for a `model.config` value.
    public static func register(_ config: String, _ factory: @escaping Factory) { factories[config] = factory }

    /// The `model.config` values with a stage.
    public static var configs: [String] { factories.keys.sorted() }

    /// Builds the stage for `recipe`, or explains which configs exist.
    public static func makeStage(for recipe: Recipe) throws -> TrainingStage {
        let isConfigFile = recipe.model.config.hasSuffix(".yaml") || recipe.model.config.hasSuffix(".json")
        guard let factory = factories[recipe.model.config] ?? (isConfigFile ? calmStage : nil) else {
            throw TrainingError("\(recipe.file): model.config '\(recipe.model.config)' has no training stage yet; known: \(configs.joined(separator: ", "))")
        }
        return try factory(recipe)
    }
}
