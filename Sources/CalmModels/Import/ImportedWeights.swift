import CalmNN
import CalmTensor
import CalmText
import Foundation

/// A pretrained part of a CALM model, converted to calm's parameter names and shapes.
public struct ImportedWeights {
    /// Which part, with its shape.
    public enum Part {
        case vision(VisionConfig)
        case language(LanguageConfig)
    }

    public var part: Part
    /// Parameters by full calm name (`vision.*` or `llm.*`), float32, contiguous.
    public var tensors: [String: Tensor]
    /// The language model's tokenizer, when the source carries one (a GGUF's, or the
    /// tokenizer.json beside a Llama's weights).
    public var tokenizer: Tokenizer?
    /// Where the weights came from (a path), kept in the checkpoint for provenance.
    public var source: String

    /// A Hugging Face `CLIPVisionModel` or `CLIPModel` folder (config.json + safetensors);
    /// the text tower of a full CLIPModel is left out.
    public static func clipVision(folder: URL, taps: [Int]? = nil) throws -> ImportedWeights {
        let config = try VisionConfig(huggingFaceCLIP: folder.appendingPathComponent("config.json"), taps: taps)
        let tensors = try renamed(try safetensors(in: folder), .huggingFaceCLIPVision, file: folder.path)
        return ImportedWeights(part: .vision(config), tensors: tensors, tokenizer: nil, source: folder.path)
    }

    /// A Hugging Face `LlamaForCausalLM` folder (config.json + safetensors, and tokenizer.json
    /// when present).
    public static func llama(folder: URL) throws -> ImportedWeights {
        let config = try LanguageConfig(huggingFaceLlama: folder.appendingPathComponent("config.json"))
        var tensors = try renamed(try safetensors(in: folder), .huggingFaceLlama, file: folder.path)
        // Some tied checkpoints still store lm_head; calm's tied Llama has no such parameter.
        if config.tiedEmbeddings { tensors["llm.lm_head.weight"] = nil }
        let tokenizerFile = folder.appendingPathComponent("tokenizer.json")
        let tokenizer = FileManager.default.fileExists(atPath: tokenizerFile.path) ? try Tokenizer.load(huggingFaceJSON: tokenizerFile) : nil
        return ImportedWeights(part: .language(config), tensors: tensors, tokenizer: tokenizer, source: folder.path)
    }

    /// A llama.cpp `llama`-architecture GGUF with its tokenizer (when it has one): every tensor
    /// dequantized to float32, Q and K rows put back in Hugging Face's rotate_half order.
    public static func gguf(file url: URL) throws -> ImportedWeights {
        let file = try GGUFFile(url: url)
        let config = try LanguageConfig(gguf: file)
        var tensors = [String: Tensor]()
        for info in file.tensors {
            guard let target = try ParameterRenaming.ggufLlama.target(for: info.name, file: url.path) else { continue }
            var tensor = try file.dequantizedTensor(named: info.name)
            if info.name.hasSuffix(".attn_q.weight") { tensor = undoGGUFRoPEPermutation(tensor, heads: config.heads) }
            if info.name.hasSuffix(".attn_k.weight") { tensor = undoGGUFRoPEPermutation(tensor, heads: config.kvHeads) }
            tensors[target.name] = tensor
        }
        let tokenizer = file.metadata["tokenizer.ggml.model"] == nil ? nil : try Tokenizer(gguf: file)
        return ImportedWeights(part: .language(config), tensors: tensors, tokenizer: tokenizer, source: url.path)
    }

    /// The vision encoder with these weights; throws, naming the tensors, unless they are
    /// exactly its parameters.
    public func visionEncoder() throws -> VisionEncoder {
        guard case .vision(let config) = part else { throw ImportError(file: source, key: "vision", message: "holds a language model, not a vision tower") }
        return try loaded(prefix: "vision.") { VisionEncoder(config, using: &$0) }
    }

    /// The language model with these weights; throws, naming the tensors, unless they are
    /// exactly its parameters.
    public func languageModel() throws -> Llama {
        guard case .language(let config) = part else { throw ImportError(file: source, key: "llm", message: "holds a vision tower, not a language model") }
        return try loaded(prefix: "llm.") { Llama(config, using: &$0) }
    }

    /// The tokenizer, checked to produce only ids the language model has embeddings for.
    public func checkedTokenizer() throws -> Tokenizer? {
        guard let tokenizer, case .language(let config) = part else { return tokenizer }
        guard tokenizer.vocabularySize <= config.vocabularySize else {
            throw ImportError(file: source, key: "tokenizer", message:
                "\(tokenizer.vocabularySize) tokens, but the model embeds only \(config.vocabularySize)")
        }
        return tokenizer
    }

    /// A module made without random draws, then given the tensors under `prefix`.
    private func loaded<M: Module>(prefix: String, _ make: (inout Initializer) -> M) throws -> M {
        var zeros = Initializer.zeros
        let module = make(&zeros)
        try module.load(unprefixed(prefix), source: source)
        return module
    }

    /// The tensors under `prefix`, named relative to it (others are left out, and reported
    /// as missing by the module's `load`).
    func unprefixed(_ prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    /// Every tensor of a safetensors checkpoint folder: `model.safetensors`, or the shards
    /// listed by `model.safetensors.index.json`.
    static func safetensors(in folder: URL) throws -> [String: Tensor] {
        let single = folder.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: single.path) { return try SafeTensors.read(single) }
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        guard let data = FileManager.default.contents(atPath: index.path),
              let map = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["weight_map"] as? [String: String] else {
            throw ImportError(file: folder.path, key: "model.safetensors", message: "neither model.safetensors nor a readable model.safetensors.index.json")
        }
        var tensors = [String: Tensor]()
        for shard in Set(map.values).sorted() {
            tensors.merge(try SafeTensors.read(folder.appendingPathComponent(shard))) { first, _ in first }
        }
        return tensors
    }

    /// Checkpoint tensors under calm's names; stacked targets are concatenated by part.
    static func renamed(_ source: [String: Tensor], _ renaming: ParameterRenaming, file: String) throws -> [String: Tensor] {
        var tensors = [String: Tensor](), parts = [String: [Int: Tensor]]()
        for (name, tensor) in source {
            guard let target = try renaming.target(for: name, file: file) else { continue }
            if let part = target.part { parts[target.name, default: [:]][part] = tensor } else { tensors[target.name] = tensor }
        }
        for (name, pieces) in parts {
            guard pieces.keys.sorted() == Array(0..<3) else {
                throw ImportError(file: file, key: "tensor \(name)", message: "needs q, k and v projections, found \(pieces.count) of them")
            }
            tensors[name] = Tensor.cat((0..<3).map { pieces[$0]! }, axis: 0)
        }
        return tensors
    }
}
