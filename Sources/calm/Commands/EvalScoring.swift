import ArgumentParser
import CalmEval
import Foundation

/// `calm eval scoring`: SRCC, PLCC, KRCC, RMSE, accuracy (and EMD) of predicted aesthetic scores.
struct EvalScoring: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoring",
        abstract: "Correlation, error and accuracy of predicted scores (and EMD of score distributions).",
        discussion: """
            The CSV file has a header line and one sample per line. Required columns: \
            prediction,label (scores on the 1-10 scale). Optional: p1..pK and q1..qK, the predicted \
            and ground-truth score distributions (AVA: K = 10, probabilities or vote counts), which \
            add "emd". Other columns (an id) are ignored. Undefined correlations (a constant \
            column) print as null.
            """
    )

    @Option(help: "CSV file with columns prediction,label[,p1..pK,q1..qK].")
    var scores: String

    @Option(help: "Scores above this count as good for the binary accuracy.")
    var threshold: Double = 5

    @Option(name: .customLong("emd-r"), help: "The power r of the earth mover's distance (NIMA uses 2).")
    var emdR: Double = 2

    func run() throws {
        let table = try ScoreTable(contentsOf: URL(fileURLWithPath: scores))
        print(try ScoringReport(table, threshold: threshold, emdPower: emdR).json)
    }
}
