/// GPT-2's reversible map between bytes and printable Unicode characters.
///
/// Byte-level BPE vocabularies store tokens as strings of these characters, so that every
/// byte sequence (even invalid UTF-8) has a spelling: printable Latin-1 bytes map to
/// themselves, the 68 others (controls, space, soft hyphen, ...) to U+0100 upwards.
public enum ByteLevel {
    /// `characters[b]` is the character that stands for byte `b`.
    public static let characters: [Character] = {
        var printable = Array(UInt32(0x21)...0x7E) + Array(UInt32(0xA1)...0xAC) + Array(UInt32(0xAE)...0xFF)
        var codes = [UInt32](repeating: 0, count: 256)
        for b in printable { codes[Int(b)] = b }
        var next: UInt32 = 256
        for b in 0..<256 where !printable.contains(UInt32(b)) {
            codes[b] = next
            printable.append(UInt32(b))
            next += 1
        }
        return codes.map { Character(Unicode.Scalar($0)!) }
    }()

    /// The inverse of `characters`, keyed by Unicode scalar value.
    public static let bytes: [UInt32: UInt8] = {
        var map = [UInt32: UInt8]()
        for (b, c) in characters.enumerated() { map[c.unicodeScalars.first!.value] = UInt8(b) }
        return map
    }()

    /// Spells raw bytes with byte-level characters (the form stored in vocabularies).
    public static func encode<S: Sequence>(_ raw: S) -> String where S.Element == UInt8 {
        var s = ""
        for b in raw { s.append(characters[Int(b)]) }
        return s
    }

    /// Maps a byte-level spelling back to raw bytes; nil if a character is not byte-level.
    public static func decode(_ token: String) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(token.unicodeScalars.count)
        for u in token.unicodeScalars {
            guard let b = bytes[u.value] else { return nil }
            out.append(b)
        }
        return out
    }
}
