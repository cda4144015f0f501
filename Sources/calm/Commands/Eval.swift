import ArgumentParser

/// Evaluates predictions against ground truth; each subcommand prints one JSON object.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score predictions against ground truth and print the metrics as one JSON object.",
        subcommands: [EvalScoring.self, EvalCommenting.self, EvalAttributes.self, EvalSuggesting.self, EvalPersonalization.self]
    )
}
