/// A recipe problem, always naming the file and the key (and the line when the YAML has one),
/// so a user can fix it before any work starts.
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let key: String
    public let line: Int?
    public let problem: String

    public init(file: String, key: String, line: Int? = nil, problem: String) {
        self.file = file
        self.key = key
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(problem)" : "\(place): '\(key)': \(problem)"
    }
}
