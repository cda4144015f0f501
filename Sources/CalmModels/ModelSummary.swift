import CalmNN

extension CalmModel {
    /// A readable summary: the shapes, parameters per part and in all (with thousands
    /// separators), and the visual tokens of one image.
    public var summary: String {
        let c = config, v = c.vision, m = c.mfam, l = c.language
        func count(_ module: Module) -> String { grouped(module.parameterCount) }
        let rows: [(String, String)] = [
            ("vision", count(vision)), ("mfam.low", count(mfam.low)), ("mfam.middle", count(mfam.middle)),
            ("mfam.high", count(mfam.high)), ("mfam.thematic", count(mfam.thematic)), ("llm", count(llm)),
        ]
        let width = rows.map(\.1.count).max() ?? 0
        return ([
            "vision: \(v.imageSize) px, patch \(v.patchSize), width \(v.width), depth \(v.depth), heads \(v.heads), "
                + "MLP \(v.mlpHidden), taps \(v.taps), post-norm \(v.postNorm ? "on" : "off")",
            "mfam: \(m.queries) queries x \(m.layers) layers, heads \(m.heads), MLP \(m.mlpRatio)x, thematic \(m.thematicGrid)x\(m.thematicGrid)",
            "llm: vocabulary \(l.vocabularySize), width \(l.width), depth \(l.depth), heads \(l.heads)/\(l.kvHeads) KV, "
                + "SwiGLU \(l.mlpHidden), rope theta \(l.ropeTheta), embeddings \(l.tiedEmbeddings ? "tied" : "untied")",
            "visual tokens per image: \(c.visualTokens) (+4 group introducers)",
        ] + rows.map { "  \($0.0.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(repeating: " ", count: width - $0.1.count))\($0.1)" }
          + ["parameters: \(grouped(parameterCount))"]).joined(separator: "\n")
    }
}

/// 11924736 → "11,924,736".
func grouped(_ n: Int) -> String {
    let digits = Array(String(n.magnitude))
    let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { String(digits[max(0, $0 - 3)..<$0]) }
    return (n < 0 ? "-" : "") + groups.joined(separator: ",")
}
