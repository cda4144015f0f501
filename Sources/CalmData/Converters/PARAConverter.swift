import Foundation

/// PARA (Yang et al. 2022), group ratings: `PARA-GiaaTrain.csv` / `PARA-GiaaTest.csv` with
/// `sessionId`, `imageName`, `aestheticScore_mean`, `aestheticScore_std`, the histogram columns
/// `aestheticScore_<score>` (scale 1–5) and further `<attribute>_mean` columns, kept as
/// `attributes`. Images live at `<sessionId>/<imageName>`.
public struct PARAConverter: DatasetConverter {
    public var annotations: URL
    public var style: ScoreAnswerStyle

    public init(annotations: URL, style: ScoreAnswerStyle = .level) {
        self.annotations = annotations
        self.style = style
    }

    public func convert() throws -> InstructionSet {
        let instruction = ScoringInstruction(dataset: "para", scale: .oneToFive, style: style)
        let table = try CSVTable(annotations)
        let session = try table.column("sessionId")
        let name = try table.column("imageName")
        let mean = try table.column("aestheticScore_mean")
        let deviation = try table.column("aestheticScore_std")
        let bins = Self.histogramColumns(table.header)
        guard !bins.isEmpty else {
            throw InstructionSetError(file: annotations.path, message: "no aestheticScore_<score> histogram columns")
        }
        let attributes = table.header.enumerated().compactMap { index, column -> (String, Int)? in
            guard column.hasSuffix("_mean"), index != mean else { return nil }
            return (String(column.dropLast("_mean".count)), index)
        }
        var set = InstructionSet()
        for row in table.rows {
            try set.collect(file: table.file.name, at: .line(row.number)) {
                let fields = try table.fields(row.text)
                let image = try Field.nonEmpty(fields[name], "imageName")
                var metadata = try ScoringInstruction.distribution(
                    bins: bins.map(\.score), counts: try bins.map { try Field.number(fields[$0.column], table.header[$0.column]) })
                metadata["std"] = .double(try Field.number(fields[deviation], "aestheticScore_std"))
                metadata["attributes"] = .object(try Dictionary(uniqueKeysWithValues: attributes.map {
                    ($0.0, .double(try Field.number(fields[$0.1], table.header[$0.1])))
                }))
                let path = "\(try Field.nonEmpty(fields[session], "sessionId"))/\(image)"
                return [try instruction.record(id: image, image: path, score: try Field.number(fields[mean], "aestheticScore_mean"),
                                               metadata: metadata)]
            }
        }
        return set
    }

    /// `aestheticScore_<number>` columns, by score.
    private static func histogramColumns(_ header: [String]) -> [(score: Double, column: Int)] {
        header.enumerated().compactMap { index, column -> (score: Double, column: Int)? in
            guard column.hasPrefix("aestheticScore_"), let score = Double(column.dropFirst("aestheticScore_".count)) else { return nil }
            return (score, index)
        }.sorted { $0.score < $1.score }
    }
}

/// PARA personal ratings: `PARA-Images.csv` rows of `userId`, `imageName`, `aestheticScore`
/// (and `sessionId`, which places the image at `<sessionId>/<imageName>`), split per user into
/// k training shots and a test set; `PARA-UserInfo.csv` (keyed by `userId`) adds each
/// user's answers as `userInfo` metadata.
public struct PARAPersonalizedConverter: DatasetConverter {
    public var ratings: URL
    public var userInfo: URL?
    public var split: PersonalizedSplit
    public var style: ScoreAnswerStyle

    public init(ratings: URL, userInfo: URL? = nil, split: PersonalizedSplit, style: ScoreAnswerStyle = .level) {
        self.ratings = ratings
        self.userInfo = userInfo
        self.split = split
        self.style = style
    }

    public func convert() throws -> InstructionSet {
        let table = try CSVTable(ratings)
        let user = try table.column("userId")
        let name = try table.column("imageName")
        let score = try table.column("aestheticScore")
        let session = try? table.column("sessionId")
        let instruction = ScoringInstruction(dataset: "para", scale: .oneToFive, style: style, task: "personalized_scoring")
        return try split.records(from: table, instruction: instruction, userMetadata: try userInfo.map(Self.readUserInfo) ?? [:]) { fields in
            let image = try Field.nonEmpty(fields[name], "imageName")
            let path = try session.map { "\(try Field.nonEmpty(fields[$0], "sessionId"))/\(image)" } ?? image
            return Rating(user: try Field.nonEmpty(fields[user], "userId"), image: path,
                          score: try Field.number(fields[score], "aestheticScore"))
        }
    }

    /// Each user's row of the user-information file as `userInfo` metadata.
    private static func readUserInfo(_ url: URL) throws -> [String: [String: JSONValue]] {
        let table = try CSVTable(url)
        let user = try table.column("userId")
        var info: [String: [String: JSONValue]] = [:]
        for row in table.rows {
            let fields = CSVTable.split(row.text)
            guard fields.count == table.header.count else {
                throw InstructionSetError(file: url.path, message: "line \(row.number): \(fields.count) fields, the header has \(table.header.count)")
            }
            let answers = Dictionary(uniqueKeysWithValues: zip(table.header, fields).map { ($0, JSONValue.string(String($1))) })
            info[String(fields[user])] = ["userInfo": .object(answers)]
        }
        return info
    }
}
