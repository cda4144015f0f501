import ArgumentParser

@main
struct Calm: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "calm",
        abstract: "Train and use comprehensive aesthetic multimodal models.",
        version: version,
        subcommands: [
            Doctor.self,
            Recipes.self,
            Ingest.self,
            Convert.self,
            Eval.self,
            Tokenize.self,
            Import.self,
            Chat.self,
            Attributes.self,
            BuildBenchmark.self,
            Score.self,
            Comment.self,
            Suggest.self,
            Personalize.self,
            TokenizerCommand.self,
            Model.self,
            Train.self,
            Plot.self,
            Bench.self,
        ]
    )
}
