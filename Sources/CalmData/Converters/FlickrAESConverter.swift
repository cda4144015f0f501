import Foundation

/// FLICKR-AES (Ren et al. 2017): a CSV of `worker,image,score` (the official file names the
/// image column `imagePair`), scores 1–5, split per worker into k training shots and a test set.
public struct FlickrAESConverter: DatasetConverter {
    public var ratings: URL
    public var split: PersonalizedSplit
    public var style: ScoreAnswerStyle

    public init(ratings: URL, split: PersonalizedSplit, style: ScoreAnswerStyle = .level) {
        self.ratings = ratings
        self.split = split
        self.style = style
    }

    public func convert() throws -> InstructionSet {
        let table = try CSVTable(ratings)
        let worker = try table.column("worker")
        let image = try table.column("image", "imagePair")
        let score = try table.column("score")
        let instruction = ScoringInstruction(dataset: "flickr-aes", scale: .oneToFive, style: style, task: "personalized_scoring")
        return try split.records(from: table, instruction: instruction) { fields in
            Rating(user: try Field.nonEmpty(fields[worker], "worker"), image: try Field.nonEmpty(fields[image], "image"),
                   score: try Field.number(fields[score], "score"))
        }
    }
}
