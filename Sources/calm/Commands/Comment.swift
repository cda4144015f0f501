import ArgumentParser
import CalmHDF5
import CalmImage
import CalmTasks
import Foundation

/// `calm comment`: a critique of each image, or candidates for `calm eval commenting`.
struct Comment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a short critique of images; with --instructions, write {id: critique} JSON for `calm eval commenting`.")

    @OptionGroup var model: TaskModelOptions
    @OptionGroup var repetition: RepetitionOptions<TaskAnswerRepetition>

    @Argument(help: "Image files (PNG, JPEG or WebP).")
    var images: [String] = []

    @Option(help: "A commenting instruction file (JSONL): its records' first images are critiqued.")
    var instructions: String?

    @Option(help: "Where --instructions writes the candidates JSON.")
    var candidates: String?

    @Option(help: "The question asked.")
    var prompt = CorpusBenchmark.commentPrompt

    func validate() throws {
        guard (instructions == nil) != images.isEmpty else { throw ValidationError("give images or --instructions, not both") }
        guard (instructions == nil) == (candidates == nil) else { throw ValidationError("--instructions and --candidates go together") }
    }

    func run() throws {
        let assessor = try model.assessor()
        repetition.apply(to: &assessor.answerOptions)
        if let instructions, let candidates {
            var critiques: [String: String] = [:]
            for (record, image) in try recordsWithImages(instructions) {
                critiques[record.id] = try assessor.answer(prompt, images: [image])
            }
            let data = try JSONSerialization.data(withJSONObject: critiques, options: [.sortedKeys, .prettyPrinted])
            try AtomicFile.write(data + Data("\n".utf8), to: candidates)
            print("comment: \(critiques.count) critiques written to \(candidates)")
            return
        }
        for path in images {
            print("\(path): \(try assessor.answer(prompt, images: [ImageDecoder.decode(contentsOf: path)]))")
        }
    }
}
