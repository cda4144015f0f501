import CalmAutograd
import CalmTensor

/// A pre-LN transformer encoder block (CLIP ViT):
/// x + attn(norm1(x)), then + mlp(norm2(x)), with one fused qkv projection.
public final class TransformerBlock: Module {
    public let norm1: LayerNorm, attn: Attention, norm2: LayerNorm, mlp: MLP
    public let dropout: Dropout

    public init(dim: Int, heads: Int, mlpHidden: Int, activation: Activation = .quickGelu, eps: Double = 1e-5,
                dropout: Double = 0, using initializer: inout Initializer) {
        norm1 = LayerNorm(dim, eps: eps)
        attn = Attention(dim: dim, heads: heads, fusedQKV: true, using: &initializer)
        norm2 = LayerNorm(dim, eps: eps)
        mlp = MLP(dim, hidden: mlpHidden, activation: activation, using: &initializer)
        self.dropout = Dropout(dropout, seed: initializer.nextSeed())
    }

    public override var children: [(String, Module)] {
        [("norm1", norm1), ("attn", attn), ("norm2", norm2), ("mlp", mlp), ("dropout", dropout)]
    }

    /// x [B, T, D] → [B, T, D].
    public func callAsFunction(_ x: Variable, mask: Tensor? = nil) -> Variable {
        let h = x + dropout(attn(norm1(x), mask: mask))
        return h + dropout(mlp(norm2(h)))
    }
}
