import Foundation

/// Reading Hugging Face `config.json` files into calm's configurations. Only what calm's
/// modules compute is accepted; anything else (biases, scaled RoPE, another activation) is
/// refused by name rather than imported into a model that would compute something else.
struct HuggingFaceConfig {
    let values: [String: Any]
    let file: String

    init(url: URL) throws {
        file = url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ImportError(file: file, key: "config", message: "cannot read the file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let values = object as? [String: Any] else {
            throw ImportError(file: file, key: "config", message: "not a JSON object")
        }
        self.values = values
    }

    private init(values: [String: Any], file: String) { (self.values, self.file) = (values, file) }

    /// The nested object under `key` (a full CLIPModel config keeps its tower in `vision_config`).
    func nested(_ key: String) -> HuggingFaceConfig? {
        (values[key] as? [String: Any]).map { HuggingFaceConfig(values: $0, file: "\(file) (\(key))") }
    }

    func int(_ key: String) throws -> Int {
        guard let number = values[key] as? NSNumber, let value = Int(exactly: number.doubleValue), value > 0 else {
            throw ImportError(file: file, key: key, message: "missing or not a positive integer")
        }
        return value
    }

    func optionalInt(_ key: String) throws -> Int? { values[key] == nil || values[key] is NSNull ? nil : try int(key) }

    func double(_ key: String) -> Double? { (values[key] as? NSNumber)?.doubleValue }

    func string(_ key: String) -> String? { values[key] as? String }

    func require(_ condition: Bool, _ key: String, _ message: String) throws {
        if !condition { throw ImportError(file: file, key: key, message: message) }
    }
}

extension LanguageConfig {
    /// The shape of a `LlamaForCausalLM` from its `config.json`.
    public init(huggingFaceLlama url: URL) throws {
        let c = try HuggingFaceConfig(url: url)
        let type = c.string("model_type") ?? "llama"
        try c.require(type == "llama", "model_type", "\(type) is not a Llama-architecture model")
        let width = try c.int("hidden_size"), heads = try c.int("num_attention_heads")
        let act = c.string("hidden_act") ?? "silu"
        try c.require(act == "silu", "hidden_act", "\(act) is not supported (SwiGLU uses silu)")
        for key in ["attention_bias", "mlp_bias"] {
            try c.require(c.values[key] as? Bool != true, key, "biased projections are not supported by calm's Llama")
        }
        if let headDim = try c.optionalInt("head_dim") {
            try c.require(headDim * heads == width, "head_dim", "\(headDim) × \(heads) heads differs from hidden_size \(width)")
        }
        // transformers ≥ 5 writes rope_parameters; older files rope_theta and rope_scaling.
        let rope = c.nested("rope_parameters")
        let ropeType = rope?.string("rope_type") ?? (c.values["rope_scaling"] as? [String: Any])?["rope_type"] as? String ?? "default"
        try c.require(ropeType == "default", "rope_scaling", "scaled RoPE (\(ropeType)) is not supported")
        self.init(vocabularySize: try c.int("vocab_size"), width: width, depth: try c.int("num_hidden_layers"), heads: heads,
                  mlpHidden: try c.int("intermediate_size"), kvHeads: try c.optionalInt("num_key_value_heads") ?? heads,
                  ropeTheta: rope?.double("rope_theta") ?? c.double("rope_theta") ?? 10_000,
                  normEps: c.double("rms_norm_eps") ?? 1e-6,
                  tiedEmbeddings: c.values["tie_word_embeddings"] as? Bool ?? false)
    }
}

extension VisionConfig {
    /// The shape of a CLIP vision tower from a `CLIPVisionModel` or `CLIPModel` `config.json`,
    /// with CLIP's post-layernorm on. Taps default to blocks depth/3, 2·depth/3 and depth.
    public init(huggingFaceCLIP url: URL, taps: [Int]? = nil) throws {
        let file = try HuggingFaceConfig(url: url)
        let c = file.nested("vision_config") ?? file
        let type = file.string("model_type") ?? "clip"
        try file.require(["clip", "clip_vision_model"].contains(type), "model_type", "\(type) is not a CLIP model")
        let act = c.string("hidden_act") ?? "quick_gelu"
        try c.require(act == "quick_gelu", "hidden_act", "\(act) is not supported (calm's ViT uses CLIP's quick_gelu)")
        try c.require((try c.optionalInt("num_channels") ?? 3) == 3, "num_channels", "only RGB towers are supported")
        let depth = try c.int("num_hidden_layers")
        self.init(imageSize: try c.int("image_size"), patchSize: try c.int("patch_size"), width: try c.int("hidden_size"),
                  depth: depth, heads: try c.int("num_attention_heads"), mlpHidden: try c.int("intermediate_size"),
                  taps: taps ?? [max(1, depth / 3), max(1, 2 * depth / 3), depth], postNorm: true,
                  normEps: c.double("layer_norm_eps") ?? 1e-5)
    }
}
