import ArgumentParser
import CalmHDF5
import CalmData
import CalmImage
import CalmTasks
import CalmTraining
import Foundation

/// `calm personalize`: per-user few-shot assessment, by fine-tuning on the user's k rated images
/// or in context (the k images and their ratings in the prompt), against the generic model.
struct Personalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Personalize a checkpoint to each user's k training ratings and score their held-out images.",
        discussion: """
            The instruction file holds per-user scoring records with metadata 'user' and 'split' (train/test), \
            as `calm convert` writes for FLICKR-AES/PARA and `calm build-benchmark` for the simulated raters. \
            Fine-tuning runs the personalize recipe (trainable subset, steps) on each user's train records; \
            --in-context instead puts them in the prompt. The CSV (user,id,prediction,generic,label) goes to \
            `calm eval personalization`.
            """)

    @OptionGroup var model: TaskModelOptions

    @Option(help: "Personalized scoring instructions (JSONL with user and split metadata).")
    var instructions: String

    @Option(help: "Where to write user,id,prediction,generic,label.")
    var csv: String

    @Option(parsing: .upToNextOption, help: "Users to personalize (default: every user in the file).")
    var users: [String] = []

    @Flag(help: "Show the training ratings in the prompt instead of fine-tuning.")
    var inContext = false

    @Option(help: "The personalize recipe (trainable parameters, optimizer).")
    var recipe = "Recipes/personalize-tiny.yaml"

    @Option(help: "Fine-tuning steps per user.")
    var steps = 30

    @Option(help: "Folder for each user's fine-tuning run.")
    var work = "runs/personalize"

    @Option(help: "Score at most N held-out images per user.")
    var testLimit: Int?

    func run() throws {
        let generic = try model.assessor()
        let url = URL(fileURLWithPath: instructions)
        let folder = ImageFolder(url.deletingLastPathComponent())
        let records = try InstructionSet.read(url, images: folder).records
        let byUser = Dictionary(grouping: records) { $0.metadata["user"]?.stringValue ?? "" }
        let chosen = users.isEmpty ? byUser.keys.filter { !$0.isEmpty }.sorted() : users
        var lines = ["user,id,prediction,generic,label"]
        for user in chosen {
            guard let own = byUser[user] else { throw TaskError("\(instructions): no records of user '\(user)'") }
            let train = own.filter { $0.metadata["split"]?.stringValue == "train" }
            let test = Array(own.filter { $0.metadata["split"]?.stringValue == "test" }.prefix(testLimit ?? .max))
            func image(_ record: InstructionRecord) throws -> RGBImage {
                try ImageDecoder.decode(folder.bytes(for: record.images[0]), name: folder.root.appendingPathComponent(record.images[0]).path)
            }
            let scale = try Self.scale(of: own[0], file: instructions)
            let personal: (RGBImage) throws -> Double
            if inContext {
                let examples = try train.map { (image: try image($0), answer: $0.conversations[1].value) }
                personal = { try generic.score($0, scale: scale, examples: examples) }
            } else {
                let tuned = try fineTune(user: user, train: train, folder: url.deletingLastPathComponent(), tokenizer: generic)
                personal = { try tuned.score($0, scale: scale) }
            }
            for record in test {
                let photo = try image(record)
                let label = record.metadata["score"]?.doubleValue ?? .nan
                lines.append("\(user),\(record.id),\(try personal(photo)),\(try generic.score(photo, scale: scale)),\(label)")
            }
            print("personalize: user \(user): \(train.count) shots, \(test.count) held-out images scored")
        }
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: csv)
        print("personalize: \(lines.count - 1) rows written to \(csv)")
    }

    /// Fine-tunes a copy of the checkpoint on `train`; the user's records go to a file beside the
    /// instruction file (so image paths stay relative), removed afterwards.
    func fineTune(user: String, train: [InstructionRecord], folder: URL, tokenizer generic: CalmAssessor) throws -> CalmAssessor {
        let shots = folder.appendingPathComponent(".personalize-\(user)-\(ProcessInfo.processInfo.processIdentifier).jsonl")
        try InstructionSet.write(train, to: shots)
        defer { try? FileManager.default.removeItem(at: shots) }
        let run = "\(work)/\(user)"
        try? FileManager.default.removeItem(atPath: run)
        let recipe = try Recipe.load(file: self.recipe, overrides: [
            "model.config=\(model.config)", "model.init_from=\(model.checkpoint)", "data.sources.ratings.path=\(shots.path)",
            "train.max_steps=\(steps)", "checkpoint.every=\(steps)", "run.dir=\(run)",
        ])
        let trainer = Trainer(recipe: recipe, stage: try InstructStage(recipe: recipe, tokenizer: generic.tokenizer))
        guard case .finished(let checkpoint) = try trainer.run(resume: false) else {
            throw TaskError("personalize: training of user '\(user)' was stopped")
        }
        return try CalmAssessor(checkpoint: checkpoint, config: model.config, tokenizer: generic.tokenizer)
    }

    /// A record's score range (metadata 'scale', default 1–10).
    static func scale(of record: InstructionRecord, file: String) throws -> ClosedRange<Double> {
        let range = record.metadata["scale"]?.arrayValue?.compactMap(\.doubleValue) ?? [1, 10]
        guard range.count == 2, range[0] < range[1] else { throw TaskError("\(file): record '\(record.id)' has a bad 'scale'") }
        return range[0]...range[1]
    }
}
