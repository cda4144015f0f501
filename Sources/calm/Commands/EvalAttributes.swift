import ArgumentParser
import CalmData
import CalmImage
import CalmSelfSupervision
import CalmTraining
import Foundation

/// `calm eval attributes`: how well a pretrained model names the attribute levels of held-out photos.
struct EvalAttributes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attributes",
        abstract: "Accuracy of the attribute levels a pretrained model names on held-out photos, against the measured levels.",
        discussion: """
            Per photo: questions of the low and middle scales and about each of their attributes \
            (greedy answers; the levels named are compared with the levels measured on the photo's \
            centred square, which the model sees) and pairs of the photo with held-out \
            edits (which is better, what changed, how much). Baselines per attribute: uniform chance \
            and always naming the most frequent level. --recipe without --checkpoint evaluates the \
            recipe's untrained model (step 0).
            """)

    @Option(help: "A pretrain checkpoint (its recipe and tokenizer are read from it).") var checkpoint: String?
    @Option(help: "A pretrain recipe whose freshly initialized model is evaluated (the baseline before pretraining).")
    var recipe: String?
    @Option(help: "Held-out photos: a shard folder (manifest.json), an image folder or a list file.") var photos: String
    @Option(help: "Questions per photo for each of the low and middle scales.") var questions = 2
    @Option(help: "Questions per photo about each single low- or middle-scale attribute.") var focused = 1
    @Option(help: "Edited pairs per photo.") var pairs = 2
    @Option(help: "Evaluate only the first N photos.") var limit: Int?
    @Option(help: "Comma-separated attributes to ask about (default: those the checkpoint's recipe pretrained).")
    var attributes: String?
    @Option(help: "Generated answers never repeat an n-gram of this many tokens; 0 (off) lets answers repeat their question's topic, as taught.")
    var noRepeatNgram = 0
    @Option(help: "How many generated answers (the first, with their questions and measured levels) the report lists.")
    var examples = 6
    @Flag(help: "Print the report as JSON (the default prints a table).") var json = false

    func validate() throws {
        guard (checkpoint == nil) != (recipe == nil) else { throw ValidationError("Give either --checkpoint or --recipe.") }
        try validateRepetitionControl(noRepeatNgram: noRepeatNgram)
        guard examples >= 0 else { throw ValidationError("--examples must be at least 0, got \(examples)") }
        _ = try askedAttributes()
    }

    /// `--attributes`, parsed (nil when not given).
    private func askedAttributes() throws -> [Attribute]? {
        try attributes.map { list in
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty else { throw ValidationError("--attributes names no attribute") }
            return try names.map { name in
                guard let attribute = Attribute(rawValue: name) else {
                    throw ValidationError("--attributes: unknown attribute '\(name)' (known: \(Attribute.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return attribute
            }
        }
    }

    func run() throws {
        var evaluation = try checkpoint.map { try PretrainEvaluation(checkpoint: $0) }
            ?? PretrainEvaluation(untrained: try Recipe.load(file: recipe!, checkFiles: false))  // only the model and tokenizer are used
        evaluation.questionsPerScale = questions
        evaluation.questionsPerAttribute = focused
        evaluation.pairsPerPhoto = pairs
        evaluation.noRepeatNgramSize = noRepeatNgram
        evaluation.examples = examples
        if let asked = try askedAttributes() { evaluation.attributes = asked }
        let report = try evaluation.run(photos: Array(try loadPhotos().prefix(limit ?? .max)))
        print(json ? report.json : report.table)
    }

    /// The photos as the pretraining reader decodes them, in a fixed order.
    private func loadPhotos() throws -> [(id: String, image: RGBImage)] {
        if FileManager.default.fileExists(atPath: (photos as NSString).appendingPathComponent("manifest.json")) {
            let shards = try ShardSet(folder: photos)
            let reader = try ShardReader(shards: shards, options: .init(batchSize: shards.manifest.imageCount, shuffleBuffer: 0, workers: 1, epochs: 1)) {
                record, _ in (id: record.id, image: try record.decodedImage())
            }
            return (try reader.next() ?? []).sorted { $0.id < $1.id }
        }
        return try ShardSources.list(photos).map { (id: $0.id, image: try ImageDecoder.decode(contentsOf: $0.path)) }
    }
}

extension AttributeReport {
    /// A plain-text table per section: one line per attribute, then the per-scale summaries.
    var table: String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f %%", $0 * 100) } ?? "    -  " }
        var lines = ["\(photos) photos"]
        for (title, section) in [("levels named in generated answers to scale questions", generated),
                                ("levels named in generated answers to single-attribute questions", focused),
                                ("forced choice between the levels", forcedChoice)] {
            lines += ["", title, "attribute           scale    named/asked  accuracy  chance   majority  balanced"]
            for row in section.attributes {
                lines.append(row.attribute.padding(toLength: 20, withPad: " ", startingAt: 0) + row.scale.padding(toLength: 9, withPad: " ", startingAt: 0)
                             + "\(row.named)/\(row.asked)".padding(toLength: 13, withPad: " ", startingAt: 0)
                             + "\(percent(row.accuracy))  \(percent(row.chance))  \(percent(row.majority))  \(percent(row.balancedAccuracy))")
            }
            for (scale, summary) in section.scales.sorted(by: { $0.key < $1.key }) {
                lines.append("\(scale): \(summary.correct)/\(summary.named) correct: \(percent(summary.accuracy)) "
                             + "(chance \(percent(summary.chance)), majority \(percent(summary.majority)))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
