import ArgumentParser
import CalmEval
import Foundation

/// `calm eval commenting`: BLEU-1..4, ROUGE-L and CIDEr-D of generated critiques, as the COCO caption toolkit computes them.
struct EvalCommenting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commenting",
        abstract: "BLEU-1..4, ROUGE-L and CIDEr-D of generated comments against reference comments.",
        discussion: """
            Candidates: a JSON object {id: text}; references: {id: [texts]}, with the same ids. \
            Texts are lowercased and stripped of punctuation by CalmEval's tokenizer, an \
            approximation of the COCO toolkit's PTB tokenizer; the metrics then match pycocoevalcap.
            """
    )

    @Option(help: "JSON file mapping each id to the generated comment.")
    var candidates: String

    @Option(help: "JSON file mapping each id to its list of reference comments.")
    var references: String

    func run() throws {
        let corpus = try CaptionCorpus(candidatesFile: URL(fileURLWithPath: candidates),
                                       referencesFile: URL(fileURLWithPath: references))
        print(CommentingReport(corpus).json)
    }
}
