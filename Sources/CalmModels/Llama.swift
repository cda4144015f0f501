import CalmAutograd
import CalmNN
import CalmTensor

/// One Llama decoder layer: x + attn(rmsnorm(x)) with rotary positions and causal masking,
/// then + SwiGLU(rmsnorm(x)); linear layers without biases.
public final class LlamaLayer: Module {
    public let attnNorm: RMSNorm, attn: Attention, mlpNorm: RMSNorm, mlp: SwiGLU
    let ropeTheta: Double

    public init(_ config: LanguageConfig, using initializer: inout Initializer) {
        attnNorm = RMSNorm(config.width, eps: config.normEps)
        attn = Attention(dim: config.width, heads: config.heads, kvHeads: config.kvHeads, bias: false, outName: "o", using: &initializer)
        mlpNorm = RMSNorm(config.width, eps: config.normEps)
        mlp = SwiGLU(config.width, hidden: config.mlpHidden, using: &initializer)
        ropeTheta = config.ropeTheta
    }

    public override var children: [(String, Module)] {
        [("attn_norm", attnNorm), ("attn", attn), ("mlp_norm", mlpNorm), ("mlp", mlp)]
    }

    /// x [B, T, D] → [B, T - outputsFrom, D]; `mask` (uint8 [B, 1, T, Tk]) further hides keys.
    /// Positions before `outputsFrom` only lend their keys and values.
    public func callAsFunction(_ x: Variable, mask: Tensor?, cache: KVCache?, outputsFrom: Int = 0) -> Variable {
        let residual = outputsFrom == 0 ? x : x.slice(axis: 1, outputsFrom..<x.shape[1])
        let h = residual + attn(attnNorm(x), causal: true, mask: mask, ropeTheta: ropeTheta, cache: cache,
                                queriesFrom: outputsFrom)
        return h + mlp(mlpNorm(h))
    }
}

/// The Llama-architecture language model over input embeddings (text and visual tokens).
public final class Llama: Module {
    public let config: LanguageConfig
    public let embed: Embedding
    public let layers: [LlamaLayer]
    public let norm: RMSNorm
    /// The output head; nil when tied to `embed`.
    public let lmHead: Linear?

    public init(_ config: LanguageConfig, using initializer: inout Initializer) {
        self.config = config
        embed = Embedding(config.vocabularySize, config.width, using: &initializer)
        layers = (0..<config.depth).map { _ in LlamaLayer(config, using: &initializer) }
        norm = RMSNorm(config.width, eps: config.normEps)
        lmHead = config.tiedEmbeddings ? nil : Linear(config.width, config.vocabularySize, bias: false, using: &initializer)
    }

    public override var children: [(String, Module)] {
        [("embed", embed)] + layers.enumerated().map { ("layers.\($0.offset)", $0.element) } + [("norm", norm)]
            + (lmHead.map { [("lm_head", $0)] } ?? [])
    }

    /// One KV cache per layer, for decoding.
    public func makeCaches() -> [KVCache] { layers.map { _ in KVCache() } }

    /// Final normalized hidden states [B, T - outputsFrom, D] of input embeddings [B, T, D]: the
    /// last layer computes only positions `outputsFrom...`, which is all a causal model needs
    /// for a loss on those positions (earlier layers must still run everywhere).
    public func hiddenStates(_ embeddings: Variable, mask: Tensor? = nil, caches: [KVCache]? = nil,
                             outputsFrom: Int = 0) -> Variable {
        var h = embeddings
        for (i, layer) in layers.enumerated() {
            h = layer(h, mask: mask, cache: caches?[i], outputsFrom: i == layers.count - 1 ? outputsFrom : 0)
        }
        return norm(h)
    }

    /// Vocabulary logits [..., V] of hidden states [..., D].
    public func logits(_ hidden: Variable) -> Variable {
        lmHead.map { $0(hidden) } ?? hidden.matmul(embed.weight.transposed())
    }
}
