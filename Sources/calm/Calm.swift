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
            Attributes.self,
            Model.self,
            Train.self,
            Plot.self,
            Bench.self,
        ]
    )
}
