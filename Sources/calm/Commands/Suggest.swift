import ArgumentParser
import CalmImage
import CalmTasks
import Foundation

/// `calm suggest`: how could this photo be better? With --apply, the named edits are applied and re-scored.
struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suggest how to improve a photo; --apply applies the edits the suggestion names and re-scores.",
        discussion: "Known edits: \(CorrectionKind.allCases.map(\.rawValue).joined(separator: ", ")).")

    @OptionGroup var model: TaskModelOptions
    @OptionGroup var repetition: RepetitionOptions<TaskAnswerRepetition>

    @Argument(help: "The photo (PNG, JPEG or WebP).")
    var image: String

    @Option(help: "Write the edited photo here (PNG) and report the score before and after.")
    var apply: String?

    func run() throws {
        let assessor = try model.assessor()
        repetition.apply(to: &assessor.answerOptions)
        let photo = try ImageDecoder.decode(contentsOf: image)
        guard let apply else {
            print(try assessor.answer(SuggestionText.prompt, images: [photo]))
            return
        }
        let outcome = try SuggestionOutcome.run(id: image, image: photo, model: assessor) { try PNGWriter.write($0, to: apply) }
        print("suggestion: \(outcome.suggestion)")
        print("edits: " + (outcome.corrections.isEmpty ? "none recognised (image written unchanged)"
                                                     : outcome.corrections.map { "\($0.kind.rawValue) \($0.amount)" }.joined(separator: ", ")))
        print(String(format: "score: %.3f -> %.3f (%@)", outcome.scoreBefore, outcome.scoreAfter, apply))
    }
}
