import CalmEval
import Foundation

/// One user's held-out ratings with a personalized and a generic prediction for each.
public struct UserPredictions: Sendable {
    public let user: String
    public var labels: [Double] = []
    public var personalized: [Double] = []
    public var generic: [Double] = []

    public init(user: String) { self.user = user }
}

/// Personalized assessment's metric: each user's SRCC on their own held-out images, averaged
/// over users, for the personalized and the generic predictions; the gain is the difference.
public struct PersonalizationReport: Sendable {
    public let users: Int
    public let srcc: Double
    public let genericSRCC: Double
    public var gain: Double { srcc - genericSRCC }
    /// Per-user (personalized, generic) SRCC, by user id.
    public let perUser: [(user: String, srcc: Double, generic: Double)]

    public init(_ predictions: [UserPredictions]) throws {
        guard !predictions.isEmpty else { throw TaskError("personalization: no users to report") }
        perUser = try predictions.map { user in
            do {
                return (user.user, try spearman(user.personalized, user.labels), try spearman(user.generic, user.labels))
            } catch {
                throw TaskError("personalization: user '\(user.user)': \(error)")
            }
        }
        users = perUser.count
        srcc = perUser.reduce(0) { $0 + $1.srcc } / Double(users)
        genericSRCC = perUser.reduce(0) { $0 + $1.generic } / Double(users)
    }

    /// Reads a CSV with a header naming `user`, `prediction`, `generic` and `label` columns
    /// (others, such as an id, are ignored) into per-user predictions, in order of first appearance.
    public static func predictions(csv text: String, path: String) throws -> [UserPredictions] {
        let table = try CSVRows(text: text, path: path)
        let columns = try ["user", "prediction", "generic", "label"].map(table.column)
        var order: [String] = [], byUser: [String: UserPredictions] = [:]
        for (index, fields) in table.records.enumerated() {
            let numbers = try columns.dropFirst().map { column -> Double in
                guard let value = Double(fields[column].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw TaskError("\(path), line \(index + 2): '\(fields[column])' in column '\(table.header[column])' is not a number")
                }
                return value
            }
            let user = fields[columns[0]]
            if byUser[user] == nil { order.append(user); byUser[user] = UserPredictions(user: user) }
            byUser[user]!.personalized.append(numbers[0])
            byUser[user]!.generic.append(numbers[1])
            byUser[user]!.labels.append(numbers[2])
        }
        return order.map { byUser[$0]! }
    }

    /// One JSON object: users, srcc, generic_srcc, gain, and per-user values under `per_user`.
    public var json: String {
        let summary = jsonObject([("users", Double(users)), ("srcc", srcc), ("generic_srcc", genericSRCC), ("gain", gain)])
        let members = perUser.map { user -> String in
            let name = user.user.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(name)\": " + jsonObject([("srcc", user.srcc), ("generic_srcc", user.generic)])
        }
        return String(summary.dropLast()) + ", \"per_user\": {" + members.joined(separator: ", ") + "}}"
    }
}
