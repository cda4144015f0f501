import Foundation

/// Reads typed values out of a recipe tree. It remembers every key it was asked for and
/// the value that took effect (the file's, an override's or the default), so that unknown
/// keys can be reported and the resolved recipe written back out in full.
public final class RecipeReader {
    public let file: String
    public let checkFiles: Bool
    private let root: RecipeNode
    private var known: Set<String> = []
    private(set) var resolved: RecipeNode = .mapping([], line: nil)

    init(root: RecipeNode, file: String, checkFiles: Bool) {
        self.root = root
        self.file = file
        self.checkFiles = checkFiles
    }

    // MARK: Typed reads

    public func string(_ key: String, default fallback: String? = nil) throws -> String {
        try read(key, fallback, kind: "a string") { node in
            if case let .scalar(text, _) = node { return text }
            return nil
        }
    }

    public func int(_ key: String, default fallback: Int? = nil, min: Int? = nil) throws -> Int {
        let value: Int = try read(key, fallback, kind: "an integer") { node in
            if case let .scalar(text, _) = node { return Int(text) }
            return nil
        }
        if let min, value < min { throw error(key, "must be at least \(min), got \(value)") }
        return value
    }

    public func double(_ key: String, default fallback: Double? = nil, min: Double? = nil, max: Double? = nil) throws -> Double {
        let value: Double = try read(key, fallback, kind: "a number") { node in
            if case let .scalar(text, _) = node { return Double(text) }
            return nil
        }
        if let min, value < min { throw error(key, "must be at least \(min), got \(value)") }
        if let max, value > max { throw error(key, "must be at most \(max), got \(value)") }
        return value
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        try read(key, fallback, kind: "true or false") { node in
            guard case let .scalar(text, _) = node else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: return nil
            }
        }
    }

    public func strings(_ key: String, default fallback: [String]? = nil) throws -> [String] {
        try read(key, fallback, kind: "a list of strings") { node in
            switch node {
            case let .list(items, _):
                let texts = items.compactMap { item -> String? in
                    if case let .scalar(text, _) = item { return text }
                    return nil
                }
                return texts.count == items.count ? texts : nil
            case let .scalar(text, _): return [text]   // a single value stands for a one-item list
            default: return nil
            }
        }
    }

    public func doubles(_ key: String, count: Int, default fallback: [Double]? = nil) throws -> [Double] {
        let values: [Double] = try read(key, fallback, kind: "a list of \(count) numbers") { node in
            guard case let .list(items, _) = node else { return nil }
            let numbers = items.compactMap { item -> Double? in
                if case let .scalar(text, _) = item { return Double(text) }
                return nil
            }
            return numbers.count == items.count && numbers.count == count ? numbers : nil
        }
        return values
    }

    /// One of a fixed set of names; the error lists the choices.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T? = nil) throws -> T where T.RawValue == String {
        let text = try string(key, default: fallback?.rawValue)
        guard let value = T(rawValue: text) else {
            throw error(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }

    /// A path that must exist when files are checked; `nil` when absent and optional.
    public func path(_ key: String, optional: Bool = false, mustExist: Bool = true) throws -> String? {
        if optional, root.child(at: split(key)) == nil || isNull(key) {
            known.insert(key)
            return nil
        }
        let value = try string(key)
        if checkFiles, mustExist, !FileManager.default.fileExists(atPath: value) {
            throw error(key, "no such file or folder: \(value)")
        }
        return value
    }

    /// A list of paths that must each exist when files are checked.
    public func paths(_ key: String, default fallback: [String]? = nil) throws -> [String] {
        let values = try strings(key, default: fallback)
        if checkFiles, let missing = values.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            throw error(key, "no such file or folder: \(missing)")
        }
        return values
    }

    /// Whether the recipe mentions `key` at all (for optional sections).
    public func has(_ key: String) -> Bool { root.child(at: split(key)) != nil }

    /// The names of the entries of a mapping (for sections keyed by user-chosen names).
    public func entries(_ key: String) throws -> [String] {
        guard let node = root.child(at: split(key)) else { return [] }
        guard case let .mapping(pairs, _) = node else { throw error(key, "must be a mapping of names to settings") }
        return pairs.map(\.key)
    }

    public func error(_ key: String, _ problem: String) -> RecipeError {
        RecipeError(file: origin(of: key), key: key, line: root.child(at: split(key))?.line, problem: problem)
    }

    // MARK: Unknown keys

    /// Fails on the first key in the recipe that nothing asked for, suggesting the closest known key.
    func rejectUnknownKeys() throws {
        for path in root.leafPaths() {
            let key = path.joined(separator: ".")
            let isKnown = (0..<path.count).contains { known.contains(path[0...$0].joined(separator: ".")) }
            if !isKnown && !isEmptySection(path) {
                let hint = closestKnownKey(to: key).map { " (did you mean '\($0)'?)" } ?? ""
                throw error(key, "unknown key\(hint)")
            }
        }
    }

    /// `section: {}`, a known section with nothing set: every key in it keeps its default.
    private func isEmptySection(_ path: [String]) -> Bool {
        guard case let .mapping(pairs, _)? = root.child(at: path), pairs.isEmpty else { return false }
        let prefix = path.joined(separator: ".") + "."
        return known.contains { $0.hasPrefix(prefix) }
    }

    // MARK: Internals

    private func read<T>(_ key: String, _ fallback: T?, kind: String, _ convert: (RecipeNode) -> T?) throws -> T {
        known.insert(key)
        let node = root.child(at: split(key))
        let value: T
        switch node {
        case nil, .null?:
            guard let fallback else { throw error(key, "is required (\(kind))") }
            value = fallback
        case let node?:
            guard let converted = convert(node) else { throw error(key, "must be \(kind), got \(describe(node))") }
            value = converted
        }
        resolved = resolved.setting(Self.node(for: value), at: split(key))
        return value
    }

    private func isNull(_ key: String) -> Bool {
        if case .null? = root.child(at: split(key)) { return true }
        return false
    }

    private func origin(of key: String) -> String {
        guard let node = root.child(at: split(key)) else { return file }
        return node.line == nil ? "\(file) (command-line override)" : file
    }

    private func split(_ key: String) -> [String] { key.split(separator: ".").map(String.init) }

    private func describe(_ node: RecipeNode) -> String {
        switch node {
        case let .scalar(text, _): return "'\(text)'"
        case .list: return "a list"
        case .mapping: return "a mapping"
        case .null: return "nothing"
        }
    }

    private static func node<T>(for value: T) -> RecipeNode {
        switch value {
        case let list as [String]: return .list(list.map { .scalar($0, line: nil) }, line: nil)
        case let list as [Double]: return .list(list.map { .scalar(String($0), line: nil) }, line: nil)
        default: return .scalar(String(describing: value), line: nil)
        }
    }

    private func closestKnownKey(to key: String) -> String? {
        let candidates = known.map { ($0, editDistance($0, key)) }.filter { $0.1 <= max(2, key.count / 4) }
        return candidates.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
