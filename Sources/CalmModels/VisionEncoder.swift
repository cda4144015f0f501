import CalmAutograd
import CalmNN
import CalmTensor

/// The CLIP ViT: patch embedding, class token, learned positions, pre-layernorm, pre-LN
/// blocks with quick-GELU MLPs, and (optionally) the post-layernorm.
public final class VisionEncoder: Module {
    public let config: VisionConfig
    public let patchEmbed: PatchEmbedding
    public let classToken: Variable, positions: Variable
    public let preNorm: LayerNorm
    public let blocks: [TransformerBlock]
    public let postNorm: LayerNorm?

    public init(_ config: VisionConfig, using initializer: inout Initializer) {
        self.config = config
        let d = config.width
        patchEmbed = PatchEmbedding(dim: d, patch: config.patchSize, using: &initializer)
        classToken = initializer.normal([d], name: "class_token")
        positions = initializer.normal([1 + config.patches, d], name: "positions")
        preNorm = LayerNorm(d, eps: config.normEps)
        blocks = (0..<config.depth).map { _ in
            TransformerBlock(dim: d, heads: config.heads, mlpHidden: config.mlpHidden, activation: .quickGelu,
                             eps: config.normEps, using: &initializer)
        }
        postNorm = config.postNorm ? LayerNorm(d, eps: config.normEps) : nil
    }

    public override var localParameters: [(String, Variable)] { [("class_token", classToken), ("positions", positions)] }

    public override var children: [(String, Module)] {
        [("patch_embed", patchEmbed), ("pre_norm", preNorm)] + blocks.enumerated().map { ("blocks.\($0.offset)", $0.element) }
            + (postNorm.map { [("post_norm", $0)] } ?? [])
    }

    /// The hidden states of an image batch.
    public struct Output {
        /// Outputs of the tap blocks, [N, 1 + patches, D] each (class token first).
        public var taps: [Variable]
        /// The final patch tokens [N, patches, D], post-normed when the config says so.
        public var patchTokens: Variable
    }

    /// Encodes images [N, 3, S, S].
    public func callAsFunction(_ images: Variable) -> Output {
        let n = images.shape[0], d = config.width
        precondition(images.shape == [n, 3, config.imageSize, config.imageSize],
                     "vision: images must be [N, 3, \(config.imageSize), \(config.imageSize)], got \(images.shape)")
        let patches = patchEmbed(images)
        var h = Variable.cat([classToken.reshaped([1, 1, d]).expand(to: [n, 1, d]), patches], axis: 1) + positions
        h = preNorm(h)
        var taps = [Variable]()
        for (i, block) in blocks.enumerated() {
            h = block(h)
            if config.taps.contains(i + 1) { taps.append(h) }
        }
        let last = postNorm.map { $0(h) } ?? h
        return Output(taps: taps, patchTokens: last.slice(axis: 1, 1..<(1 + config.patches)))
    }
}
