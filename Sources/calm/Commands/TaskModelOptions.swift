import ArgumentParser
import CalmData
import CalmImage
import CalmTasks
import Foundation

/// The model a task command runs: a checkpoint, its configuration, optionally a tokenizer.
struct TaskModelOptions: ParsableArguments {
    @Option(help: "Checkpoint file or run folder (e.g. runs/instruct-tiny-corpus/checkpoints/latest.h5).")
    var checkpoint: String

    @Option(help: "Model configuration: calm-tiny, calm-small or a JSON/YAML config file.")
    var config = "calm-tiny"

    @Option(help: "tokenizer.json to use instead of the one the checkpoint carries.")
    var tokenizer: String?

    func assessor() throws -> CalmAssessor {
        try CalmAssessor(checkpoint: checkpoint, config: config, tokenizer: tokenizer)
    }
}

/// An instruction file's records with their first image decoded (images relative to the file's folder).
func recordsWithImages(_ path: String, limit: Int? = nil) throws -> [(record: InstructionRecord, image: RGBImage)] {
    let url = URL(fileURLWithPath: path)
    let folder = ImageFolder(url.deletingLastPathComponent())
    let records = try InstructionSet.read(url, images: folder).records.prefix(limit ?? .max)
    return try records.map { record in
        guard let first = record.images.first else { throw TaskError("\(path): record '\(record.id)' has no image") }
        return (record, try ImageDecoder.decode(folder.bytes(for: first), name: folder.root.appendingPathComponent(first).path))
    }
}
