import Foundation

/// One person's rating of one image.
public struct Rating: Equatable, Sendable {
    public let user: String
    public let image: String
    public let score: Double

    public init(user: String, image: String, score: Double) {
        self.user = user
        self.image = image
        self.score = score
    }
}

/// Splits each user's ratings into `shots` training ratings and the rest for testing
/// (the k-shot protocol of personalized aesthetics). The split depends only on the seed,
/// the user id and that user's set of images, not on file order or on other users.
public struct PersonalizedSplit: Sendable {
    public let shots: Int
    public let seed: UInt64

    public init(shots: Int, seed: UInt64) {
        precondition(shots > 0, "a personalized split needs at least one training shot")
        self.shots = shots
        self.seed = seed
    }

    /// Scoring records per user with `user` and `split` (`train`/`test`) in their metadata;
    /// users with no more than `shots` ratings (nothing left to test) are skipped.
    /// `userMetadata` adds facts about a user (e.g. questionnaire answers) to all their records.
    public func records(for ratings: [Rating], instruction: ScoringInstruction, file: String,
                        userMetadata: [String: [String: JSONValue]] = [:]) throws -> InstructionSet {
        var set = InstructionSet()
        for (user, own) in Dictionary(grouping: ratings, by: \.user).sorted(by: { $0.key < $1.key }) {
            try set.collect(file: file, at: .key("user \(user)")) {
                guard own.count > shots else {
                    throw RecordProblem("too few ratings", "\(own.count) ratings, needs more than \(shots)")
                }
                guard !user.isEmpty, !user.contains("/"), !user.hasPrefix(".") else {
                    throw RecordProblem("bad user id", "'\(user)' cannot name a file")
                }
                return try shuffle(own.sorted { $0.image < $1.image }, user: user).enumerated().map { index, rating in
                    let split = index < shots ? "train" : "test"
                    return try instruction.record(id: "\(user)/\(rating.image)", image: rating.image, score: rating.score,
                                                  metadata: (userMetadata[user] ?? [:]).merging(
                                                      ["user": .string(user), "split": .string(split)], uniquingKeysWith: { $1 }))
                }
            }
        }
        return set
    }

    /// Reads one rating from each row of `table` (faulty rows are skipped with their line),
    /// then builds the per-user records.
    func records(from table: CSVTable, instruction: ScoringInstruction, userMetadata: [String: [String: JSONValue]] = [:],
                 rating: ([Substring]) throws -> Rating) throws -> InstructionSet {
        var parsed = InstructionSet()
        var ratings: [Rating] = []
        for row in table.rows {
            try parsed.collect(file: table.file.name, at: .line(row.number)) {
                let one = try rating(try table.fields(row.text))
                try instruction.scale.validate(one.score, "score")
                ratings.append(one)
                return []
            }
        }
        var set = try records(for: ratings, instruction: instruction, file: table.file.name, userMetadata: userMetadata)
        set.skipped = parsed.skipped + set.skipped
        return set
    }

    /// Fisher–Yates with SplitMix64, spelled out so that the split never changes with the
    /// standard library's shuffling algorithm.
    private func shuffle(_ ratings: [Rating], user: String) -> [Rating] {
        var generator = SplitMix64(seed: seed ^ Self.fnv1a(user))
        var items = ratings
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return items
    }

    /// FNV-1a, a fixed hash: Swift's `Hasher` is seeded per process.
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
