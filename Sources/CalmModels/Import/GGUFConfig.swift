import CalmText

extension LanguageConfig {
    /// The shape of a llama.cpp `llama`-architecture GGUF from its metadata; embeddings are tied
    /// when the file has no `output.weight`.
    public init(gguf: GGUFFile) throws {
        func fail(_ key: String, _ message: String) -> ImportError { ImportError(file: gguf.url.path, key: key, message: message) }
        let architecture = try gguf.value("general.architecture").string
        guard architecture == "llama" else { throw fail("general.architecture", "\(architecture ?? "?") is not a Llama-architecture model") }
        func int(_ key: String) throws -> Int {
            guard let value = try gguf.value("llama." + key).int, value > 0 else { throw fail("llama." + key, "not a positive integer") }
            return value
        }
        func double(_ key: String) -> Double? {
            switch gguf.metadata["llama." + key] {
            // The shortest decimal of the float32 (1e-5, not 9.99999974e-6): what the exporter meant.
            case .float32(let v): return Double("\(v)")
            case .float64(let v): return v
            default: return nil
            }
        }
        let width = try int("embedding_length"), heads = try int("attention.head_count")
        if let ropeDims = gguf.metadata["llama.rope.dimension_count"]?.int, ropeDims != width / heads {
            throw fail("llama.rope.dimension_count", "partial rotary embeddings (\(ropeDims) of \(width / heads)) are not supported")
        }
        if let scaling = gguf.metadata["llama.rope.scaling.type"]?.string, scaling != "none" {
            throw fail("llama.rope.scaling.type", "scaled RoPE (\(scaling)) is not supported")
        }
        let embedding = try gguf.tensor(named: "token_embd.weight")
        self.init(vocabularySize: gguf.metadata["llama.vocab_size"]?.int ?? embedding.dimensions.last ?? 0,
                  width: width, depth: try int("block_count"), heads: heads, mlpHidden: try int("feed_forward_length"),
                  kvHeads: gguf.metadata["llama.attention.head_count_kv"]?.int ?? heads,
                  ropeTheta: double("rope.freq_base") ?? 10_000, normEps: double("attention.layer_norm_rms_epsilon") ?? 1e-5,
                  tiedEmbeddings: (try? gguf.tensor(named: "output.weight")) == nil)
    }
}
