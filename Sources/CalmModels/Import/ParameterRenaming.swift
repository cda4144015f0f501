/// Where a checkpoint tensor goes among calm's parameters: a name, and for tensors that are
/// stacked into one (CLIP's separate q/k/v projections into `attn.qkv`) its place in the stack.
public struct ParameterTarget: Hashable, Sendable {
    public var name: String
    /// Index along the first axis of the stacked parameter, nil when the tensor maps 1:1.
    public var part: Int?
}

/// A table from checkpoint tensor names to calm parameter names. Names are matched with their
/// layer number replaced by `{i}`, which carries over to the target.
public struct ParameterRenaming: Sendable {
    /// Source pattern → target pattern (both with `{i}` for the layer number).
    public let rules: [String: ParameterTarget]
    /// Name prefixes of tensors that are deliberately left out (text towers, rotary caches).
    public let ignoredPrefixes: [String]
    /// A prefix removed from names before matching (`vision_model.` of CLIP checkpoints).
    public let optionalPrefix: String?

    /// The target of a checkpoint tensor; nil for an ignored tensor. Throws for a tensor the
    /// table does not know, so that no weight is dropped silently.
    public func target(for name: String, file: String) throws -> ParameterTarget? {
        if ignoredPrefixes.contains(where: { name.hasPrefix($0) }) { return nil }
        var key = name
        if let prefix = optionalPrefix, key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        var components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let layer = components.firstIndex { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        if let layer { components[layer] = "{i}" }
        guard let rule = rules[components.joined(separator: ".")] else {
            throw ImportError(file: file, key: "tensor \(name)", message: "no calm parameter corresponds to this tensor")
        }
        guard let layer else { return rule }
        let index = key.split(separator: ".", omittingEmptySubsequences: false)[layer]
        return ParameterTarget(name: rule.name.replacingOccurrences(of: "{i}", with: index), part: rule.part)
    }

    private static func table(_ pairs: [(String, String)], parts: [(String, String, Int)] = []) -> [String: ParameterTarget] {
        var rules = Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, ParameterTarget(name: $0.1, part: nil)) })
        for (source, target, part) in parts { rules[source] = ParameterTarget(name: target, part: part) }
        return rules
    }

    /// `LlamaForCausalLM` safetensors (Hugging Face transformers).
    public static let huggingFaceLlama = ParameterRenaming(
        rules: table([
            ("model.embed_tokens.weight", "llm.embed.weight"),
            ("model.layers.{i}.input_layernorm.weight", "llm.layers.{i}.attn_norm.weight"),
            ("model.layers.{i}.self_attn.q_proj.weight", "llm.layers.{i}.attn.q.weight"),
            ("model.layers.{i}.self_attn.k_proj.weight", "llm.layers.{i}.attn.k.weight"),
            ("model.layers.{i}.self_attn.v_proj.weight", "llm.layers.{i}.attn.v.weight"),
            ("model.layers.{i}.self_attn.o_proj.weight", "llm.layers.{i}.attn.o.weight"),
            ("model.layers.{i}.post_attention_layernorm.weight", "llm.layers.{i}.mlp_norm.weight"),
            ("model.layers.{i}.mlp.gate_proj.weight", "llm.layers.{i}.mlp.gate.weight"),
            ("model.layers.{i}.mlp.up_proj.weight", "llm.layers.{i}.mlp.up.weight"),
            ("model.layers.{i}.mlp.down_proj.weight", "llm.layers.{i}.mlp.down.weight"),
            ("model.norm.weight", "llm.norm.weight"),
            ("lm_head.weight", "llm.lm_head.weight"),
        ]),
        ignoredPrefixes: [], optionalPrefix: nil)

    /// llama.cpp's GGUF names for the Llama architecture (`output` is absent with tied embeddings).
    public static let ggufLlama = ParameterRenaming(
        rules: table([
            ("token_embd.weight", "llm.embed.weight"),
            ("blk.{i}.attn_norm.weight", "llm.layers.{i}.attn_norm.weight"),
            ("blk.{i}.attn_q.weight", "llm.layers.{i}.attn.q.weight"),
            ("blk.{i}.attn_k.weight", "llm.layers.{i}.attn.k.weight"),
            ("blk.{i}.attn_v.weight", "llm.layers.{i}.attn.v.weight"),
            ("blk.{i}.attn_output.weight", "llm.layers.{i}.attn.o.weight"),
            ("blk.{i}.ffn_norm.weight", "llm.layers.{i}.mlp_norm.weight"),
            ("blk.{i}.ffn_gate.weight", "llm.layers.{i}.mlp.gate.weight"),
            ("blk.{i}.ffn_up.weight", "llm.layers.{i}.mlp.up.weight"),
            ("blk.{i}.ffn_down.weight", "llm.layers.{i}.mlp.down.weight"),
            ("output_norm.weight", "llm.norm.weight"),
            ("output.weight", "llm.lm_head.weight"),
        ]),
        ignoredPrefixes: [], optionalPrefix: nil)

    /// `CLIPVisionModel` / `CLIPModel` safetensors: the vision tower only; its q, k and v
    /// projections are stacked into `attn.qkv` in that order.
    public static let huggingFaceCLIPVision = ParameterRenaming(
        rules: table([
            ("embeddings.class_embedding", "vision.class_token"),
            ("embeddings.patch_embedding.weight", "vision.patch_embed.weight"),
            ("embeddings.position_embedding.weight", "vision.positions"),
            ("pre_layrnorm.weight", "vision.pre_norm.weight"),
            ("pre_layrnorm.bias", "vision.pre_norm.bias"),
            ("encoder.layers.{i}.layer_norm1.weight", "vision.blocks.{i}.norm1.weight"),
            ("encoder.layers.{i}.layer_norm1.bias", "vision.blocks.{i}.norm1.bias"),
            ("encoder.layers.{i}.self_attn.out_proj.weight", "vision.blocks.{i}.attn.out.weight"),
            ("encoder.layers.{i}.self_attn.out_proj.bias", "vision.blocks.{i}.attn.out.bias"),
            ("encoder.layers.{i}.layer_norm2.weight", "vision.blocks.{i}.norm2.weight"),
            ("encoder.layers.{i}.layer_norm2.bias", "vision.blocks.{i}.norm2.bias"),
            ("encoder.layers.{i}.mlp.fc1.weight", "vision.blocks.{i}.mlp.fc1.weight"),
            ("encoder.layers.{i}.mlp.fc1.bias", "vision.blocks.{i}.mlp.fc1.bias"),
            ("encoder.layers.{i}.mlp.fc2.weight", "vision.blocks.{i}.mlp.fc2.weight"),
            ("encoder.layers.{i}.mlp.fc2.bias", "vision.blocks.{i}.mlp.fc2.bias"),
            ("post_layernorm.weight", "vision.post_norm.weight"),
            ("post_layernorm.bias", "vision.post_norm.bias"),
        ], parts: ["q", "k", "v"].enumerated().flatMap { part, p in [
            ("encoder.layers.{i}.self_attn.\(p)_proj.weight", "vision.blocks.{i}.attn.qkv.weight", part),
            ("encoder.layers.{i}.self_attn.\(p)_proj.bias", "vision.blocks.{i}.attn.qkv.bias", part),
        ] }),
        ignoredPrefixes: ["text_model.", "text_projection", "visual_projection", "logit_scale",
                          "vision_model.embeddings.position_ids", "embeddings.position_ids"],
        optionalPrefix: "vision_model.")
}
