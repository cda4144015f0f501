import Foundation

/// Tokenized candidates and their references, paired by id, ready for BLEU, ROUGE-L and CIDEr.
public struct CaptionCorpus {
    /// Sample ids in ascending order.
    public let ids: [String]
    /// Each sample's candidate tokens (may be empty: an empty candidate scores 0).
    public let candidates: [[String]]
    /// Each sample's references, one or more, each non-empty.
    public let references: [[[String]]]

    /// Pairs candidates with references by id and tokenizes both with `captionTokens`.
    /// Both sides must hold the same ids; `candidatesSource` and `referencesSource` name
    /// them in errors.
    public init(candidates: [String: String], references: [String: [String]],
                candidatesSource: String = "candidates", referencesSource: String = "references") throws {
        guard !candidates.isEmpty else {
            throw EvalError.badFile(path: candidatesSource, location: nil, reason: "no candidates")
        }
        let missingReferences = Set(candidates.keys).subtracting(references.keys).sorted()
        let missingCandidates = Set(references.keys).subtracting(candidates.keys).sorted()
        if !missingReferences.isEmpty || !missingCandidates.isEmpty {
            func list(_ ids: [String]) -> String {
                ids.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 5 ? " and \(ids.count - 5) more" : "")
            }
            var reasons: [String] = []
            if !missingReferences.isEmpty { reasons.append("ids \(list(missingReferences)) of \(candidatesSource) have no references") }
            if !missingCandidates.isEmpty { reasons.append("ids \(list(missingCandidates)) of \(referencesSource) have no candidate") }
            throw EvalError.badFile(path: referencesSource, location: nil, reason: "ids differ: " + reasons.joined(separator: "; "))
        }
        ids = candidates.keys.sorted()
        self.candidates = ids.map { captionTokens(candidates[$0]!) }
        self.references = try ids.map { id in
            let texts = references[id]!
            guard !texts.isEmpty else {
                throw EvalError.badFile(path: referencesSource, location: "id '\(id)'", reason: "no reference texts")
            }
            return try texts.enumerated().map { index, text in
                let tokens = captionTokens(text)
                guard !tokens.isEmpty else {
                    throw EvalError.badFile(path: referencesSource, location: "id '\(id)', reference \(index)",
                                            reason: "reference has no words: '\(text)'")
                }
                return tokens
            }
        }
    }

    /// Reads `{id: text}` candidates and `{id: [texts]}` references from JSON files.
    public init(candidatesFile: URL, referencesFile: URL) throws {
        let candidates = try readJSONObject(candidatesFile).mapValuesWithKey { id, value in
            guard let text = value as? String else {
                throw EvalError.badFile(path: candidatesFile.path, location: "id '\(id)'", reason: "expected a string")
            }
            return text
        }
        let references = try readJSONObject(referencesFile).mapValuesWithKey { id, value in
            guard let texts = value as? [String] else {
                throw EvalError.badFile(path: referencesFile.path, location: "id '\(id)'", reason: "expected an array of strings")
            }
            return texts
        }
        try self.init(candidates: candidates, references: references,
                      candidatesSource: candidatesFile.path, referencesSource: referencesFile.path)
    }
}

/// The top-level object of a JSON file.
private func readJSONObject(_ url: URL) throws -> [String: Any] {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw EvalError.badFile(path: url.path, location: nil, reason: "cannot read (\(error.localizedDescription))")
    }
    let object: Any
    do {
        object = try JSONSerialization.jsonObject(with: data)
    } catch {
        throw EvalError.badFile(path: url.path, location: nil, reason: "not valid JSON (\(error.localizedDescription))")
    }
    guard let dictionary = object as? [String: Any] else {
        throw EvalError.badFile(path: url.path, location: nil, reason: "expected a JSON object mapping ids to texts")
    }
    return dictionary
}

private extension Dictionary {
    func mapValuesWithKey<T>(_ transform: (Key, Value) throws -> T) rethrows -> [Key: T] {
        try Dictionary<Key, T>(uniqueKeysWithValues: map { ($0.key, try transform($0.key, $0.value)) })
    }
}
