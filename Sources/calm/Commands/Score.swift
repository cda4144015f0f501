import ArgumentParser
import CalmHDF5
import CalmImage
import CalmTasks
import Foundation

/// `calm score`: aesthetic scores of images, or of an instruction file's records as a CSV for `calm eval scoring`.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score images (1–10) with a CALM checkpoint; with --instructions, write id,prediction,label for `calm eval scoring`.")

    @OptionGroup var model: TaskModelOptions

    @Argument(help: "Image files (PNG, JPEG or WebP).")
    var images: [String] = []

    @Flag(help: "Print one JSON object per image.")
    var json = false

    @Option(help: "A scoring instruction file (JSONL); predictions use each record's scale (metadata 'scale', default 1–10).")
    var instructions: String?

    @Option(help: "Where --instructions writes its CSV.")
    var csv: String?

    @Option(help: "Score only the first N records.")
    var limit: Int?

    func validate() throws {
        guard (instructions == nil) != images.isEmpty else { throw ValidationError("give images or --instructions, not both") }
        guard (instructions == nil) == (csv == nil) else { throw ValidationError("--instructions and --csv go together") }
    }

    func run() throws {
        let assessor = try model.assessor()
        if let instructions, let csv {
            var lines = ["id,prediction,label"]
            for (record, image) in try recordsWithImages(instructions, limit: limit) {
                let range = record.metadata["scale"]?.arrayValue?.compactMap(\.doubleValue) ?? [1, 10]
                guard range.count == 2, range[0] < range[1], let label = record.metadata["score"]?.doubleValue else {
                    throw TaskError("\(instructions): record '\(record.id)' needs metadata 'score' and a 'scale' [low, high]")
                }
                lines.append("\(record.id),\(try assessor.score(image, scale: range[0]...range[1])),\(label)")
            }
            try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: csv)
            print("score: \(lines.count - 1) predictions written to \(csv)")
            return
        }
        for path in images {
            let score = try assessor.score(ImageDecoder.decode(contentsOf: path))
            print(json ? "{\"image\": \"\(path)\", \"score\": \(score)}" : String(format: "%.3f  %@", score, path))
        }
    }
}
