import ArgumentParser
import CalmModels

/// Inspects CALM model configurations.
struct Model: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect CALM models.", subcommands: [Info.self])

    /// Prints a configuration's shapes and parameter counts.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model's shapes and parameter counts.")

        @Option(help: "calm-tiny, calm-small, or a JSON/YAML configuration file.")
        var config: String

        func run() throws {
            let config = try CalmConfig.load(self.config)
            // Zeros instead of random draws: only the shapes matter here.
            print(CalmModel(config, initializer: .zeros).summary)
        }
    }
}
