import ArgumentParser
import CalmHDF5
import CalmImage
import CalmTasks
import Foundation

/// `calm eval suggesting`: does the suggestion name the inverse of a known degradation, and does applying it help?
struct EvalSuggesting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggesting",
        abstract: "Suggest on degraded images; report how often the inverse edit is named and the mean score gain after applying it.",
        discussion: "Records need metadata 'degradation' (one of: \(Degradation.Kind.allCases.map(\.rawValue).joined(separator: ", "))) and 'strength' (0-1), as `calm build-benchmark` writes.")

    @OptionGroup var model: TaskModelOptions
    @OptionGroup var repetition: RepetitionOptions<TaskAnswerRepetition>

    @Option(help: "Suggesting instructions (JSONL), e.g. runs/bench/suggesting-test.jsonl.")
    var instructions: String

    @Option(help: "Evaluate only the first N records.")
    var limit: Int?

    @Option(help: "Also write each outcome (id, suggestion, edits, scores) as JSON Lines here.")
    var outcomes: String?

    func run() throws {
        let assessor = try model.assessor()
        repetition.apply(to: &assessor.answerOptions)
        var results: [SuggestionOutcome] = [], oracle: [Double] = [], lines: [String] = []
        for (record, image) in try recordsWithImages(instructions, limit: limit) {
            guard let kind = record.metadata["degradation"]?.stringValue.flatMap(Degradation.Kind.init(rawValue:)),
                  let strength = record.metadata["strength"]?.doubleValue else {
                throw TaskError("\(instructions): record '\(record.id)' needs metadata 'degradation' (a known kind) and 'strength'")
            }
            let degradation = Degradation(kind, strength: strength)
            let outcome = try SuggestionOutcome.run(id: record.id, image: image, degradation: degradation, model: assessor)
            results.append(outcome)
            oracle.append(try assessor.score(degradation.inverse.applied(to: image)) - outcome.scoreBefore)
            let line: [String: Any] = ["id": record.id, "degradation": kind.rawValue, "suggestion": outcome.suggestion,
                                       "edits": outcome.corrections.map { "\($0.kind.rawValue) \($0.amount)" },
                                       "inverse": outcome.namesInverse, "before": outcome.scoreBefore, "after": outcome.scoreAfter]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
        }
        if let outcomes { try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: outcomes) }
        print(try SuggestingReport(results, oracleGains: oracle).json)
    }
}

/// `calm eval personalization`: per-user SRCC of personalized and generic predictions, averaged over users.
struct EvalPersonalization: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personalization",
        abstract: "Per-user SRCC of personalized vs generic predictions, averaged over users (the gain is the point).")

    @Option(help: "CSV with columns user,prediction,generic,label (as `calm personalize` writes).")
    var scores: String

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: scores, encoding: .utf8) } catch {
            throw TaskError("\(scores): cannot read (\(error.localizedDescription))")
        }
        print(try PersonalizationReport(try PersonalizationReport.predictions(csv: text, path: scores)).json)
    }
}
