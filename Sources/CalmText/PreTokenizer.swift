/// Cuts text into the words that BPE then merges independently.
///
/// The regular expressions of Hugging Face `tokenizers` and llama.cpp are implemented as
/// hand-written scanners over UTF-8 bytes: exact for `\p{L}`, `\p{N}` and `\s`, and far
/// faster than a general regex engine. Steps run in order, each one splitting the pieces
/// the previous one produced (as a HF `Sequence` or llama.cpp's regex list does).
public struct PreTokenizer: Equatable, Sendable {
    /// One splitting step.
    public enum Step: Equatable, Sendable {
        /// HF `Digits`: numbers apart from the rest, one piece per digit if `individual`.
        case digits(individual: Bool)
        /// A regular expression whose matches (and the text between them) become pieces.
        case pattern(SplitPattern)
    }

    public var steps: [Step]
    /// HF `ByteLevel.add_prefix_space`: a space is put before text that lacks one.
    public var addPrefixSpace: Bool

    public init(steps: [Step], addPrefixSpace: Bool = false) {
        self.steps = steps
        self.addPrefixSpace = addPrefixSpace
    }

    /// GPT-2: the byte-level regex alone.
    public static let gpt2 = PreTokenizer(steps: [.pattern(.gpt2)])
    /// SmolLM / SmolLM2: every digit alone, then the GPT-2 regex (llama.cpp pre = "smollm").
    public static let smolLM = PreTokenizer(steps: [.digits(individual: true), .pattern(.gpt2)])
    /// Llama 3: its own regex (numbers in groups of up to three digits).
    public static let llama3 = PreTokenizer(steps: [.pattern(.llama3)])

    /// Calls `emit` with the byte range of each piece of `text[range]`, in order.
    public func split(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ emit: (Range<Int>) -> Void) {
        apply(stepIndex: 0, text, range, emit)
    }

    private func apply(stepIndex: Int, _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                       _ emit: (Range<Int>) -> Void) {
        guard stepIndex < steps.count else { return emit(range) }
        func next(_ piece: Range<Int>) { apply(stepIndex: stepIndex + 1, text, piece, emit) }
        switch steps[stepIndex] {
        case .digits(let individual): splitDigits(text, range, individual: individual, next)
        case .pattern(let pattern):
            let scanner = Scanner(text: text, end: range.upperBound)
            var i = range.lowerBound
            while i < range.upperBound {
                let j = pattern == .gpt2 ? scanner.gpt2Match(at: i) : scanner.llama3Match(at: i)
                next(i..<j)
                i = j
            }
        }
    }

    private func splitDigits(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, individual: Bool,
                             _ emit: (Range<Int>) -> Void) {
        let scanner = Scanner(text: text, end: range.upperBound)
        var pieceStart = range.lowerBound, pieceIsNumber = false
        var i = range.lowerBound
        while i < range.upperBound {
            let (value, length) = scanner.scalar(at: i)
            let isNumber = CharClass(value) == .number
            if i > pieceStart && (isNumber != pieceIsNumber || (isNumber && individual)) {
                emit(pieceStart..<i)
                pieceStart = i
            }
            pieceIsNumber = isNumber
            i += length
        }
        if pieceStart < range.upperBound { emit(pieceStart..<range.upperBound) }
    }
}

/// The split regexes we implement, named after their origin.
public enum SplitPattern: String, Sendable, CaseIterable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3

    /// The regex source as written in tokenizer.json files.
    public var regex: String {
        switch self {
        case .gpt2: return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        case .llama3: return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }
}

/// The character classes the split regexes distinguish.
enum CharClass: Equatable {
    case letter, number, whitespace, other

    private static let ascii: [CharClass] = (0..<128).map { b in
        switch UInt8(b) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case 9...13, 32: return .whitespace
        default: return .other
        }
    }

    @inline(__always) init(_ value: UInt32) {
        if value < 128 { self = CharClass.ascii[Int(value)]; return }
        let properties = Unicode.Scalar(value)!.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: self = .letter
        case .decimalNumber, .letterNumber, .otherNumber: self = .number
        default: self = properties.isWhitespace ? .whitespace : .other
        }
    }
}

/// Matches the split regexes at a position of valid UTF-8 text; returns the end of the match.
struct Scanner {
    let text: UnsafeBufferPointer<UInt8>
    let end: Int

    /// The scalar starting at byte `i` and its length in bytes.
    @inline(__always) func scalar(at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(text[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
                | UInt32(text[i + 3] & 0x3F), 4)
    }

    @inline(__always) func charClass(at i: Int) -> CharClass { CharClass(scalar(at: i).0) }

    /// End of the run of scalars of class `cls` starting at `i`.
    @inline(__always) func run(of cls: CharClass, from i: Int) -> Int {
        var j = i
        while j < end {
            let (value, length) = scalar(at: j)
            guard CharClass(value) == cls else { break }
            j += length
        }
        return j
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` at `i` (case-insensitively if asked): the match end or nil.
    @inline(__always) func contraction(at i: Int, caseInsensitive: Bool) -> Int? {
        guard text[i] == UInt8(ascii: "'"), i + 1 < end else { return nil }
        func lower(_ k: Int) -> UInt8 {
            let b = text[k]
            return caseInsensitive && b >= 65 && b <= 90 ? b + 32 : b
        }
        switch lower(i + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return i + 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < end && lower(i + 2) == UInt8(ascii: "e") ? i + 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < end && lower(i + 2) == UInt8(ascii: "l") ? i + 3 : nil
        default: return nil
        }
    }

    /// `\s+(?!\S)|\s+` at `i` (a whitespace scalar): the whole run when it ends the text or
    /// is a single scalar, otherwise the run less its last scalar (which then leads the next word).
    @inline(__always) func whitespace(at i: Int) -> Int {
        var j = i, last = i
        while j < end {
            let (value, length) = scalar(at: j)
            guard CharClass(value) == .whitespace else { break }
            last = j
            j += length
        }
        return j == end || last == i ? j : last
    }

    func gpt2Match(at i: Int) -> Int {
        if let j = contraction(at: i, caseInsensitive: false) { return j }
        var start = i
        var cls = charClass(at: i)
        if text[i] == UInt8(ascii: " ") && i + 1 < end {
            let following = charClass(at: i + 1)
            if following != .whitespace { start = i + 1; cls = following }
        }
        return cls == .whitespace ? whitespace(at: i) : run(of: cls, from: start)
    }

    func llama3Match(at i: Int) -> Int {
        if let j = contraction(at: i, caseInsensitive: true) { return j }
        let (value, length) = scalar(at: i)
        let cls = CharClass(value)
        let isNewline = value == 10 || value == 13
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if cls == .letter { return run(of: .letter, from: i) }
        if cls != .number && !isNewline && i + length < end && charClass(at: i + length) == .letter {
            return run(of: .letter, from: i + length)
        }
        // \p{N}{1,3}
        if cls == .number {
            var j = i
            for _ in 0..<3 where j < end && charClass(at: j) == .number { j += scalar(at: j).1 }
            return j
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        var start = i
        var other = cls == .other
        if value == 32 && i + 1 < end && charClass(at: i + 1) == .other { start = i + 1; other = true }
        if other {
            var j = run(of: .other, from: start)
            while j < end && (text[j] == 10 || text[j] == 13) { j += 1 }
            return j
        }
        // '\s*[\r\n]+': the whitespace run up to its last newline, if it holds one.
        var j = i, lastNewlineEnd: Int? = nil
        while j < end {
            let (v, n) = scalar(at: j)
            guard CharClass(v) == .whitespace else { break }
            j += n
            if v == 10 || v == 13 { lastNewlineEnd = j }
        }
        if let k = lastNewlineEnd { return k }
        return whitespace(at: i)
    }
}
