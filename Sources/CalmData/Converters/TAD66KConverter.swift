import Foundation

/// TAD66K (He et al. 2022). A CSV with header `image,score`, the score a mean on 1–10.
public struct TAD66KConverter: DatasetConverter {
    public var annotations: URL
    public var style: ScoreAnswerStyle

    public init(annotations: URL, style: ScoreAnswerStyle = .level) {
        self.annotations = annotations
        self.style = style
    }

    public func convert() throws -> InstructionSet {
        let instruction = ScoringInstruction(dataset: "tad66k", scale: .oneToTen, style: style)
        let table = try CSVTable(annotations)
        let (imageColumn, scoreColumn) = (try table.column("image"), try table.column("score"))
        var set = InstructionSet()
        for row in table.rows {
            try set.collect(file: table.file.name, at: .line(row.number)) {
                let fields = try table.fields(row.text)
                let image = try Field.nonEmpty(fields[imageColumn], "image")
                let score = try Field.number(fields[scoreColumn], "score")
                return [try instruction.record(id: image, image: image, score: score)]
            }
        }
        return set
    }
}
