import ArgumentParser
import CalmTraining
import Foundation

/// `calm recipes list` and `calm recipes validate FILE [key=value ...]`.
struct Recipes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and validate training recipes.",
        subcommands: [List.self, Validate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the recipes in a folder with their stage and description.")

        @Option(help: "The folder of recipes.") var folder = "Recipes"

        func run() throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            for name in names {
                let path = (folder as NSString).appendingPathComponent(name)
                do {
                    let recipe = try Recipe.load(file: path, checkFiles: false)
                    print("\(path)  [\(recipe.stage.rawValue)]  \(recipe.summary)")
                } catch {
                    print("\(path)  INVALID: \(error)")
                }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a recipe (keys, types, files) and print it resolved, defaults filled in.")

        @Argument(help: "The recipe file.") var file: String
        @Argument(help: "Overrides, key.sub=value.") var overrides: [String] = []
        @Flag(help: "Skip checking that the files the recipe names exist.") var noFiles = false

        func run() throws {
            let recipe = try Recipe.load(file: file, overrides: overrides, checkFiles: !noFiles)
            print(recipe.resolvedYAML, terminator: "")
        }
    }
}
