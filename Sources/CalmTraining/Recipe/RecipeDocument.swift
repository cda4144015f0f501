import Yams

/// A recipe's YAML as an ordered tree of mappings, lists and scalars, each remembering the
/// line it came from (or that it came from the command line), with `key.sub=value` overrides.
public indirect enum RecipeNode: Equatable {
    case mapping([(key: String, value: RecipeNode)], line: Int?)
    case list([RecipeNode], line: Int?)
    case scalar(String, line: Int?)
    case null(line: Int?)

    public static func == (lhs: RecipeNode, rhs: RecipeNode) -> Bool {
        switch (lhs, rhs) {
        case let (.mapping(a, _), .mapping(b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.list(a, _), .list(b, _)): return a == b
        case let (.scalar(a, _), .scalar(b, _)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    var line: Int? {
        switch self {
        case let .mapping(_, line), let .list(_, line), let .scalar(_, line), let .null(line): return line
        }
    }

    /// The child at a dotted path ("optimizer.lr"), if present.
    func child(at path: [String]) -> RecipeNode? {
        guard let first = path.first else { return self }
        guard case let .mapping(pairs, _) = self, let next = pairs.first(where: { $0.key == first })?.value else { return nil }
        return next.child(at: Array(path.dropFirst()))
    }

    /// A copy with `value` set at `path`, creating mappings on the way.
    func setting(_ value: RecipeNode, at path: [String]) -> RecipeNode {
        guard let first = path.first else { return value }
        var pairs: [(key: String, value: RecipeNode)] = []
        var line: Int? = nil
        if case let .mapping(existing, existingLine) = self { pairs = existing; line = existingLine }
        let rest = Array(path.dropFirst())
        if let index = pairs.firstIndex(where: { $0.key == first }) {
            pairs[index].value = pairs[index].value.setting(value, at: rest)
        } else {
            pairs.append((first, RecipeNode.mapping([], line: nil).setting(value, at: rest)))
        }
        return .mapping(pairs, line: line)
    }

    /// Every leaf key path under this node ("train.max_steps"), in document order.
    func leafPaths(prefix: [String] = []) -> [[String]] {
        switch self {
        case let .mapping(pairs, _):
            if pairs.isEmpty { return prefix.isEmpty ? [] : [prefix] }
            return pairs.flatMap { $0.value.leafPaths(prefix: prefix + [$0.key]) }
        default:
            return [prefix]
        }
    }
}

extension RecipeNode {
    /// Parses YAML text; `file` names the source in errors.
    public static func parse(yaml: String, file: String) throws -> RecipeNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw RecipeError(file: file, key: "", problem: "not valid YAML: \(error)")
        }
        guard let root else { return .mapping([], line: nil) }
        return try convert(root, file: file, path: [])
    }

    /// Parses one `key.sub=value` command-line override; the value is read as YAML
    /// (so `3e-4`, `true`, `[a, b]` get their natural types).
    public static func parseOverride(_ text: String, file: String) throws -> (path: [String], value: RecipeNode) {
        guard let equals = text.firstIndex(of: "=") else {
            throw RecipeError(file: file, key: text, problem: "an override is written key.sub=value")
        }
        let key = String(text[..<equals])
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            throw RecipeError(file: file, key: key, problem: "an override's key is a dotted path such as train.max_steps")
        }
        let valueText = String(text[text.index(after: equals)...])
        let parsed = try parse(yaml: valueText.isEmpty ? "''" : valueText, file: "command line")
        return (path, parsed.strippingLines())
    }

    private func strippingLines() -> RecipeNode {
        switch self {
        case let .mapping(pairs, _): return .mapping(pairs.map { ($0.key, $0.value.strippingLines()) }, line: nil)
        case let .list(items, _): return .list(items.map { $0.strippingLines() }, line: nil)
        case let .scalar(text, _): return .scalar(text, line: nil)
        case .null: return .null(line: nil)
        }
    }

    private static func convert(_ node: Node, file: String, path: [String]) throws -> RecipeNode {
        let line = node.mark?.line
        switch node {
        case let .mapping(mapping):
            var pairs: [(key: String, value: RecipeNode)] = []
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string, !key.contains(".") else {
                    throw RecipeError(file: file, key: path.joined(separator: "."), line: keyNode.mark?.line,
                                      problem: "keys are plain names without dots")
                }
                if pairs.contains(where: { $0.key == key }) {
                    throw RecipeError(file: file, key: (path + [key]).joined(separator: "."), line: keyNode.mark?.line,
                                      problem: "the key appears twice")
                }
                pairs.append((key, try convert(valueNode, file: file, path: path + [key])))
            }
            return .mapping(pairs, line: line)
        case let .sequence(sequence):
            return .list(try sequence.map { try convert($0, file: file, path: path) }, line: line)
        case let .scalar(scalar):
            if scalar.style == .plain, node.null != nil { return .null(line: line) }
            return .scalar(scalar.string, line: line)
        }
    }
}
