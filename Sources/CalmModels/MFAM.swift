import CalmAutograd
import CalmNN
import CalmTensor

/// One Q-Former layer, all pre-LN with residuals: self-attention over the queries,
/// cross-attention from the queries to the tap's tokens, then a GELU MLP.
public final class QFormerLayer: Module {
    public let selfNorm: LayerNorm, selfAttn: Attention
    public let crossNorm: LayerNorm, crossAttn: Attention
    public let mlpNorm: LayerNorm, mlp: MLP

    public init(dim: Int, heads: Int, mlpHidden: Int, eps: Double, using initializer: inout Initializer) {
        selfNorm = LayerNorm(dim, eps: eps)
        selfAttn = Attention(dim: dim, heads: heads, using: &initializer)
        crossNorm = LayerNorm(dim, eps: eps)
        crossAttn = Attention(dim: dim, heads: heads, using: &initializer)
        mlpNorm = LayerNorm(dim, eps: eps)
        mlp = MLP(dim, hidden: mlpHidden, activation: .gelu, using: &initializer)
    }

    public override var children: [(String, Module)] {
        [("self_norm", selfNorm), ("self_attn", selfAttn), ("cross_norm", crossNorm), ("cross_attn", crossAttn),
         ("mlp_norm", mlpNorm), ("mlp", mlp)]
    }

    /// queries [N, Nq, D] (or [1, Nq, D]: the same queries for every image), tap [N, T, D] → [N, Nq, D];
    /// `regions` [1, 1, Nq, T] (uint8, nonzero = may attend) limits what each query attends to.
    public func callAsFunction(_ queries: Variable, tap: Variable, regions: Tensor? = nil) -> Variable {
        var h = queries + selfAttn(selfNorm(queries))
        // Shared queries meet the images only here: their self-attention ran once, not N times.
        if h.shape[0] != tap.shape[0] { h = h.expand(to: [tap.shape[0]] + h.shape.dropFirst()) }
        h = h + crossAttn(crossNorm(h), context: tap, mask: regions)
        return h + mlp(mlpNorm(h))
    }
}

/// A Q-Former: learnable aesthetic queries refined against one tap, projected to the
/// language model's width.
public final class QFormer: Module {
    public let queries: Variable
    public let layers: [QFormerLayer]
    public let proj: Linear
    /// With regional queries, which tap tokens each query attends to ([1, 1, Nq, T], uint8).
    let regions: Tensor?

    /// `regionsOf`: the patch grid side of the tap, when each query attends to one region of it.
    public init(visionWidth: Int, languageWidth: Int, config: MFAMConfig, eps: Double, regionsOf patchGrid: Int? = nil,
                using initializer: inout Initializer) {
        queries = initializer.normal([config.queries, visionWidth], name: "queries")
        layers = (0..<config.layers).map { _ in
            QFormerLayer(dim: visionWidth, heads: config.heads, mlpHidden: config.mlpRatio * visionWidth, eps: eps, using: &initializer)
        }
        proj = Linear(visionWidth, languageWidth, using: &initializer)
        regions = patchGrid.map { regionMask(patchGrid: $0, grid: config.regionGrid) }
    }

    public override var localParameters: [(String, Variable)] { [("queries", queries)] }
    public override var children: [(String, Module)] {
        layers.enumerated().map { ("layers.\($0.offset)", $0.element) } + [("proj", proj)]
    }

    /// tap [N, T, Dv] → [N, Nq, Dllm].
    public func callAsFunction(_ tap: Variable) -> Variable {
        var h = queries.unsqueezed(0)
        for layer in layers { h = layer(h, tap: tap, regions: regions) }
        return proj(h)
    }
}

/// The thematic branch (LLaVA-1.5 projector): the final patch tokens average-pooled to a
/// g×g grid, then fc2(GELU(fc1(x))).
public final class ThematicProjector: Module {
    public let mlp: MLP
    /// [g², patches] adaptive average pooling weights (PyTorch's adaptive_avg_pool2d windows).
    let pooling: Tensor

    public init(visionWidth: Int, languageWidth: Int, patchGrid: Int, grid: Int, using initializer: inout Initializer) {
        mlp = MLP(visionWidth, hidden: languageWidth, out: languageWidth, activation: .gelu, using: &initializer)
        pooling = adaptivePooling(from: patchGrid, to: grid)
    }

    // Its parameters sit directly under "thematic" (fc1, fc2).
    public override var children: [(String, Module)] { mlp.children }

    /// patch tokens [N, patches, Dv] → [N, g², Dllm].
    public func callAsFunction(_ patchTokens: Variable) -> Variable {
        mlp(Variable(pooling.to(patchTokens.dtype)).matmul(patchTokens))
    }
}

/// Which tap tokens (class token first, then an s×s patch grid, row-major) each of g² queries
/// attends to: query i·g + j sees the patches of cell (i, j) of a g×g grid (`adaptivePooling`'s
/// windows), not the class token. [1, 1, g², 1 + s²], uint8.
func regionMask(patchGrid s: Int, grid g: Int) -> Tensor {
    let pooling = adaptivePooling(from: s, to: g).toArray(Float.self)
    var mask = [UInt8](repeating: 0, count: g * g * (1 + s * s))
    for query in 0..<(g * g) {
        for patch in 0..<(s * s) where pooling[query * s * s + patch] > 0 { mask[query * (1 + s * s) + 1 + patch] = 1 }
    }
    return Tensor(mask, shape: [1, 1, g * g, 1 + s * s])
}

/// Row-major s×s grid → g×g grid averaging matrix: output cell (i, j) averages input rows
/// floor(i·s/g) ..< ceil((i+1)·s/g), and likewise columns, as adaptive_avg_pool2d does.
/// It is plain 2×2 (k×k) pooling when g divides s.
func adaptivePooling(from s: Int, to g: Int) -> Tensor {
    var weights = [Float](repeating: 0, count: g * g * s * s)
    func window(_ i: Int) -> Range<Int> { (i * s / g)..<(((i + 1) * s + g - 1) / g) }
    for i in 0..<g {
        for j in 0..<g {
            let rows = window(i), columns = window(j), share = 1 / Float(rows.count * columns.count)
            for r in rows { for c in columns { weights[(i * g + j) * s * s + r * s + c] = share } }
        }
    }
    return Tensor(weights, shape: [g * g, s * s])
}

/// The Multi-scale Feature Alignment Module: Q-Formers for the low, middle and high taps and
/// the thematic branch.
public final class MFAM: Module {
    public let low: QFormer, middle: QFormer, high: QFormer
    public let thematic: ThematicProjector

    public init(_ config: CalmConfig, using initializer: inout Initializer) {
        let (dv, dl, eps) = (config.vision.width, config.language.width, config.vision.normEps)
        low = QFormer(visionWidth: dv, languageWidth: dl, config: config.mfam, eps: eps, using: &initializer)
        middle = QFormer(visionWidth: dv, languageWidth: dl, config: config.mfam, eps: eps,
                         regionsOf: config.mfam.regionQueries ? config.vision.grid : nil, using: &initializer)
        high = QFormer(visionWidth: dv, languageWidth: dl, config: config.mfam, eps: eps, using: &initializer)
        thematic = ThematicProjector(visionWidth: dv, languageWidth: dl, patchGrid: config.vision.grid,
                                     grid: config.mfam.thematicGrid, using: &initializer)
    }

    public override var children: [(String, Module)] {
        [("low", low), ("middle", middle), ("high", high), ("thematic", thematic)]
    }

    /// The visual token groups of each image, in the order low, middle, high, thematic:
    /// [N, Nq, Dllm] three times, then [N, g², Dllm].
    public func callAsFunction(_ vision: VisionEncoder.Output) -> [Variable] {
        precondition(vision.taps.count == 3, "mfam: needs three taps, got \(vision.taps.count)")
        return [low(vision.taps[0]), middle(vision.taps[1]), high(vision.taps[2]), thematic(vision.patchTokens)]
    }
}
