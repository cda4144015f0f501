import ArgumentParser
import CalmDistributed
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
            Data-parallel: `mpirun -np N calm train RECIPE ...` runs N ranks, each taking train.batch_size records of \
            every global batch; rank 0 writes run.dir. A run may resume on a different number of ranks.
            """)

    @Argument(help: "The recipe file (Recipes/*.yaml).") var recipe: String
    @Argument(help: "Overrides, key.sub=value (e.g. train.max_steps=10 run.dir=runs/try).") var overrides: [String] = []
    @Flag(help: "Continue from the newest complete checkpoint in run.dir.") var resume = false
    @Option(help: "After training, also write the final weights alone (no optimizer state) to this HDF5 file.")
    var exportWeights: String?

    func run() throws {
        let recipe = try Recipe.load(file: recipe, overrides: overrides)
        StopSignal.install()
        let communicator = try CommunicatorEnvironment.current()
        if communicator.size > 1 { CommunicatorEnvironment.shareCores() }
        let outcome: Trainer.Outcome
        do {
            let trainer = Trainer(recipe: recipe, stage: try StageRegistry.makeStage(for: recipe), communicator: communicator)
            outcome = try trainer.run(resume: resume)
        } catch where communicator.size > 1 {
            // The other ranks would wait for this one in their next collective: end them all.
            FileHandle.standardError.write(Data("Error (rank \(communicator.rank) of \(communicator.size)): \(error)\n".utf8))
            communicator.abort(exitCode: 1)
        }
        switch outcome {
        case .stopped:
            return
        case .finished(let checkpoint):
            guard communicator.isRoot else { return }
            print("train: \(recipe.train.maxSteps) steps done; checkpoint \(checkpoint)")
            if let exportWeights {
                try exportWeightsOnly(from: checkpoint, to: exportWeights)
                print("train: weights written to \(exportWeights)")
            }
        }
    }
}
