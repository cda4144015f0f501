import Foundation

/// Who speaks a turn of a conversation, in LLaVA's naming.
public enum Speaker: String, Sendable {
    case human
    case gpt
}

/// One turn of a conversation.
public struct Turn: Equatable, Sendable {
    public var from: Speaker
    public var value: String

    public init(_ from: Speaker, _ value: String) {
        self.from = from
        self.value = value
    }
}

/// One LLaVA-style instruction record: images, a conversation whose `<image>` placeholders
/// stand for those images in order, and free-form metadata (task, raw score, user, …).
public struct InstructionRecord: Equatable, Sendable {
    /// The text that stands for one image in a prompt.
    public static let imagePlaceholder = "<image>"

    public var id: String
    /// Image references: relative paths in an image folder, or ids in shards.
    public var images: [String]
    public var conversations: [Turn]
    public var metadata: [String: JSONValue]

    public init(id: String, images: [String], conversations: [Turn], metadata: [String: JSONValue] = [:]) {
        self.id = id
        self.images = images
        self.conversations = conversations
        self.metadata = metadata
    }
}

extension InstructionRecord {
    /// Keys with a meaning of their own; every other top-level key is metadata.
    private static let structuralKeys: Set<String> = ["id", "image", "images", "conversations", "metadata"]
    /// Metadata keys whose type is fixed, because training and evaluation read them.
    private static let typedMetadata: [(key: String, type: String, check: (JSONValue) -> Bool)] = [
        ("task", "a string", { $0.stringValue != nil }),
        ("user", "a string", { $0.stringValue != nil }),
        ("score", "a number", { $0.doubleValue != nil }),
    ]

    /// Validates a parsed JSON record. Metadata is the `metadata` object merged with any
    /// other top-level keys (LLaVA files put `task`, `score`, `user`, … at the top).
    public init(json: JSONValue) throws {
        guard let object = json.objectValue else {
            throw RecordProblem("not an object", "the record is \(json.typeName)")
        }
        id = try Self.id(in: object)
        images = try Self.images(in: object)
        conversations = try Self.conversations(in: object)

        var metadata = object.filter { !Self.structuralKeys.contains($0.key) }
        if let nested = object["metadata"] {
            guard let members = nested.objectValue else {
                throw RecordProblem("wrong type", "'metadata' is \(nested.typeName), not an object")
            }
            metadata.merge(members, uniquingKeysWith: { _, nested in nested })
        }
        for (key, type, check) in Self.typedMetadata {
            if let value = metadata[key], !check(value) {
                throw RecordProblem("wrong type", "'\(key)' is \(value.typeName), not \(type)")
            }
        }
        self.metadata = metadata

        let placeholders = conversations.reduce(0) { $0 + $1.value.occurrences(of: Self.imagePlaceholder) }
        guard placeholders == images.count else {
            throw RecordProblem("placeholder count mismatch",
                                "\(placeholders) \(Self.imagePlaceholder) placeholders for \(images.count) images")
        }
    }

    /// The record as written to a JSONL file: `image` for one image, `images` for several.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "conversations": .array(conversations.map { .object(["from": .string($0.from.rawValue), "value": .string($0.value)]) }),
        ]
        if images.count == 1 {
            object["image"] = .string(images[0])
        } else if images.count > 1 {
            object["images"] = .array(images.map { .string($0) })
        }
        if !metadata.isEmpty { object["metadata"] = .object(metadata) }
        return .object(object)
    }

    private static func id(in object: [String: JSONValue]) throws -> String {
        switch object["id"] {
        case .none: throw RecordProblem("missing key", "no 'id'")
        case .string(let s) where !s.isEmpty: return s
        case .int(let i): return String(i)  // LLaVA mixes string and integer ids
        case .some(let v): throw RecordProblem("wrong type", "'id' is \(v.typeName), not a non-empty string")
        }
    }

    private static func images(in object: [String: JSONValue]) throws -> [String] {
        switch (object["image"], object["images"]) {
        case (.some, .some):
            throw RecordProblem("ambiguous images", "both 'image' and 'images' are present")
        case (.some(let single), .none):
            guard let path = single.stringValue, !path.isEmpty else {
                throw RecordProblem("wrong type", "'image' is \(single.typeName), not a non-empty string")
            }
            return [path]
        case (.none, .some(let list)):
            guard let items = list.arrayValue else {
                throw RecordProblem("wrong type", "'images' is \(list.typeName), not a list")
            }
            return try items.enumerated().map { index, item in
                guard let path = item.stringValue, !path.isEmpty else {
                    throw RecordProblem("wrong type", "'images'[\(index)] is \(item.typeName), not a non-empty string")
                }
                return path
            }
        case (.none, .none):
            return []  // a text-only record
        }
    }

    private static func conversations(in object: [String: JSONValue]) throws -> [Turn] {
        guard let value = object["conversations"] else { throw RecordProblem("missing key", "no 'conversations'") }
        guard let items = value.arrayValue, !items.isEmpty else {
            throw RecordProblem("wrong type", "'conversations' is \(value.typeName), not a non-empty list")
        }
        let turns = try items.enumerated().map { index, item -> Turn in
            guard let turn = item.objectValue else {
                throw RecordProblem("wrong type", "turn \(index) is \(item.typeName), not an object")
            }
            guard let from = turn["from"]?.stringValue, let text = turn["value"]?.stringValue else {
                throw RecordProblem("missing key", "turn \(index) needs string 'from' and 'value'")
            }
            guard let speaker = Speaker(rawValue: from) else {
                throw RecordProblem("unknown role", "turn \(index) is from '\(from)', not 'human' or 'gpt'")
            }
            return Turn(speaker, text)
        }
        // Training masks the loss by role, so turns must pair questions with answers.
        for (index, turn) in turns.enumerated() {
            let expected: Speaker = index % 2 == 0 ? .human : .gpt
            guard turn.from == expected else {
                throw RecordProblem("turn order", "turn \(index) is from '\(turn.from.rawValue)', expected '\(expected.rawValue)'")
            }
            if turn.from == .gpt && turn.value.allSatisfy(\.isWhitespace) {
                throw RecordProblem("empty answer", "turn \(index) has an empty answer")
            }
        }
        guard turns.last?.from == .gpt else {
            throw RecordProblem("turn order", "the last turn is a question without an answer")
        }
        return turns
    }
}

extension String {
    /// Non-overlapping occurrences of `needle`.
    func occurrences(of needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let range = rest.range(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
