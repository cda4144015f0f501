import ArgumentParser
import CalmTraining
import Foundation

/// `calm train RECIPE [key=value ...] [--resume] [--export-weights PATH]`.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one stage from a recipe; checkpoints, metrics.jsonl and the resolved recipe go to run.dir.",
        discussion: """
            SIGINT or SIGTERM saves a checkpoint at the next step boundary and exits (status 0); a second \
            signal exits at once, leaving the last complete checkpoint intact. --resume continues from the \
            newest complete checkpoint in run.dir. Stages by model.config: \(StageRegistry.configs.joined(separator: ", ")).
            """)

    @Argument(help: "The recipe file (Recipes/*.yaml).") var recipe: String
    @Argument(help: "Overrides, key.sub=value (e.g. train.max_steps=10 run.dir=runs/try).") var overrides: [String] = []
    @Flag(help: "Continue from the newest complete checkpoint in run.dir.") var resume = false
    @Option(help: "After training, also write the final weights alone (no optimizer state) to this HDF5 file.")
    var exportWeights: String?

    func run() throws {
        let recipe = try Recipe.load(file: recipe, overrides: overrides)
        StopSignal.install()
        let trainer = Trainer(recipe: recipe, stage: try StageRegistry.makeStage(for: recipe))
        switch try trainer.run(resume: resume) {
        case .stopped:
            return
        case .finished(let checkpoint):
            print("train: \(recipe.train.maxSteps) steps done; checkpoint \(checkpoint)")
            if let exportWeights {
                try exportWeightsOnly(from: checkpoint, to: exportWeights)
                print("train: weights written to \(exportWeights)")
            }
        }
    }
}
