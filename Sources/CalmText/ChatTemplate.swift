/// Who speaks a turn of a conversation.
public enum Role: String, Sendable, CaseIterable {
    case system, user, assistant

    /// Reads role names of chat datasets: LLaVA's `human`/`gpt` and the OpenAI-style names.
    public init(name: String) throws {
        switch name.lowercased() {
        case "system": self = .system
        case "human", "user": self = .user
        case "gpt", "assistant": self = .assistant
        default: throw CalmTextError.invalid("role", "unknown speaker \"\(name)\" (expected human, gpt, user, assistant or system)")
        }
    }
}

/// One turn of a conversation.
public struct Turn: Equatable, Sendable {
    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Token ids of a conversation and which of them the loss is computed on.
public struct EncodedConversation: Equatable, Sendable {
    public var ids: [Int]
    /// True for assistant answer tokens and their end-of-turn token; false for everything
    /// else (system and user turns, role headers, separators).
    public var lossMask: [Bool]
}

/// How a conversation is laid out as text: `header(role) content endOfTurn separator` per turn.
public struct ChatTemplate: Equatable, Sendable {
    /// Text opening a turn of each role.
    public var headers: [Role: String]
    /// The token closing every turn (must be an added token of the tokenizer).
    public var endOfTurn: String
    /// Text after the end-of-turn token.
    public var separator: String
    /// A system turn put first when the conversation has none.
    public var defaultSystemPrompt: String?

    public init(headers: [Role: String], endOfTurn: String, separator: String, defaultSystemPrompt: String? = nil) {
        self.headers = headers
        self.endOfTurn = endOfTurn
        self.separator = separator
        self.defaultSystemPrompt = defaultSystemPrompt
    }

    /// ChatML: `<|im_start|>role\n...<|im_end|>\n`.
    public static let chatML = ChatTemplate(
        headers: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, "<|im_start|>\($0.rawValue)\n") }),
        endOfTurn: "<|im_end|>", separator: "\n")

    /// SmolLM2-Instruct's template: ChatML with its default system prompt.
    public static let smolLM2: ChatTemplate = {
        var template = chatML
        template.defaultSystemPrompt = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
        return template
    }()

    /// A plain format for small vocabularies of our own: `User: ...<|endoftext|>\n`.
    public static let plain = ChatTemplate(
        headers: [.system: "", .user: "User: ", .assistant: "Assistant: "], endOfTurn: "<|endoftext|>", separator: "\n")

    private func turns(_ conversation: [Turn]) -> [Turn] {
        guard let prompt = defaultSystemPrompt, conversation.first?.role != .system else { return conversation }
        return [Turn(.system, prompt)] + conversation
    }

    /// The conversation as text; with `addGenerationPrompt`, ends with an open assistant header.
    public func render(_ conversation: [Turn], addGenerationPrompt: Bool = false) -> String {
        var text = turns(conversation).map { headers[$0.role, default: ""] + $0.content + endOfTurn + separator }.joined()
        if addGenerationPrompt { text += headers[.assistant, default: ""] }
        return text
    }

    /// Encodes the conversation piece by piece, so that the loss mask follows the answers
    /// exactly. Equal to `tokenizer.encode(render(...))` unless a turn starts with whitespace.
    public func encode(_ conversation: [Turn], with tokenizer: Tokenizer,
                       addGenerationPrompt: Bool = false) throws -> EncodedConversation {
        guard let endId = tokenizer.id(of: endOfTurn) else {
            throw CalmTextError.invalid("endOfTurn", "the tokenizer has no token \(endOfTurn)")
        }
        var result = EncodedConversation(ids: [], lossMask: [])
        func append(_ ids: [Int], trained: Bool) {
            result.ids += ids
            result.lossMask += repeatElement(trained, count: ids.count)
        }
        for turn in turns(conversation) {
            let isAnswer = turn.role == .assistant
            append(tokenizer.encode(headers[turn.role, default: ""]), trained: false)
            append(tokenizer.encode(turn.content), trained: isAnswer)
            append([endId], trained: isAnswer)
            append(tokenizer.encode(separator), trained: false)
        }
        if addGenerationPrompt { append(tokenizer.encode(headers[.assistant, default: ""]), trained: false) }
        return result
    }
}
