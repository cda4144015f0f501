import Foundation

/// A bad line of a cue bank file.
public struct CueBankError: Error, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let reason: String
    public var description: String { "cue bank '\(path)' line \(line): \(reason)" }
}

/// Extra sentences per (attribute, level), read from JSON Lines:
/// `{"attribute": "exposure", "level": "dark", "sentence": "The shot is a bit dim."}`.
/// Pair sentences may use `{which}` (the edited image, "first"/"second") and `{amount}`.
public struct CueBank: Sendable {
    /// How cue sentences combine with the template grammar.
    public enum Mode: String, CaseIterable, Sendable {
        /// Cue sentences join the template paraphrases.
        case extend
        /// Where an (attribute, level) has cue sentences, only they are used.
        case replace
    }

    public let mode: Mode
    public private(set) var sentences: [Attribute: [String: [String]]] = [:]

    /// Parses JSONL text; `path` names the source in errors. Blank lines are skipped.
    public init(jsonl text: String, path: String, mode: Mode) throws {
        self.mode = mode
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            func fail(_ reason: String) -> CueBankError { CueBankError(path: path, line: index + 1, reason: reason) }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            guard let name = object["attribute"] as? String else { throw fail("missing string key 'attribute'") }
            guard let attribute = Attribute(rawValue: name) else { throw fail("unknown attribute '\(name)'") }
            guard let level = object["level"] as? String else { throw fail("missing string key 'level'") }
            guard attribute.levels.contains(level) else {
                throw fail("unknown level '\(level)' for \(name) (expected one of \(attribute.levels.joined(separator: ", ")))")
            }
            guard let sentence = object["sentence"] as? String,
                  !sentence.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail("missing or empty string key 'sentence'")
            }
            sentences[attribute, default: [:]][level, default: []].append(sentence)
        }
    }

    /// Reads a JSONL file.
    public init(contentsOf path: String, mode: Mode) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CueBankError(path: path, line: 0, reason: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CueBankError(path: path, line: 0, reason: "not UTF-8 text")
        }
        try self.init(jsonl: text, path: path, mode: mode)
    }
}
