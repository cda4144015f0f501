/// The commenting (caption) metrics of a corpus, as `calm eval commenting` prints them.
public struct CommentingReport: Equatable {
    /// BLEU-1...BLEU-4.
    public var bleu: [Double]
    public var rougeL: Double
    public var cider: Double

    public init(_ corpus: CaptionCorpus) {
        bleu = CalmEval.bleu(corpus)
        rougeL = CalmEval.rougeL(corpus)
        cider = CalmEval.cider(corpus)
    }

    /// One JSON object: `bleu1`...`bleu4`, `rouge_l`, `cider`.
    public var json: String {
        jsonLine(bleu.enumerated().map { ("bleu\($0.offset + 1)", $0.element) } + [("rouge_l", rougeL), ("cider", cider)])
    }
}
