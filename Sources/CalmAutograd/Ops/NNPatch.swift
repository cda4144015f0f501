import CalmTensor

/// Non-overlapping p×p patches of images [B, C, H, W] → [B, (H/p)·(W/p), C·p·p], each row
/// ordered (c, ky, kx) like a Conv2d weight [O, C, p, p], so the ViT patch embedding (a
/// stride-p convolution) is patches @ Wᵀ. Border pixels past the last whole patch are
/// dropped, as the convolution drops them.
public struct PatchifyOp: Op {
    public static let name = "patchify"
    public let patch: Int
    public init(patch: Int) {
        precondition(patch > 0, "patchify: patch size \(patch)")
        self.patch = patch
    }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Void) {
        let x = inputs[0].contiguous()
        precondition(x.rank == 4, "patchify: images must be [B, C, H, W], got \(x.shape)")
        let (b, ch, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = Tensor(uninitialized: [b, (h / patch) * (w / patch), ch * patch * patch], dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) { T.nn.patchify(x.nn(T.self), out.nn(T.self), b, ch, h, w, patch) }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (out, ())
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let dy = g.contiguous(), s = c.inputs[0].shape, dx = Tensor(uninitialized: s, dtype: dy.dtype)
        func run<T: NNFloat>(_: T.Type) { T.nn.patchifyBackward(dy.nn(T.self), dx.nn(T.self), s[0], s[1], s[2], s[3], patch) }
        byPrecision(dy, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx]
    }
}

/// Average pooling of tokens [B, gridH·gridW, C] laid out as a row-major grid, with a
/// kernel×kernel window and stride = kernel → [B, (gridH/kernel)·(gridW/kernel), C]
/// (the thematic branch's pooled grid).
public struct TokenAvgPoolOp: Op {
    public static let name = "token_avg_pool"
    public let gridHeight: Int, gridWidth: Int, kernel: Int
    public init(gridHeight: Int, gridWidth: Int, kernel: Int) {
        precondition(kernel > 0 && gridHeight >= kernel && gridWidth >= kernel,
                     "token_avg_pool: kernel \(kernel) for a \(gridHeight)x\(gridWidth) grid")
        (self.gridHeight, self.gridWidth, self.kernel) = (gridHeight, gridWidth, kernel)
    }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Void) {
        let x = inputs[0].contiguous()
        precondition(x.rank == 3 && x.shape[1] == gridHeight * gridWidth,
                     "token_avg_pool: tokens must be [B, \(gridHeight * gridWidth), C], got \(x.shape)")
        let (b, ch) = (x.shape[0], x.shape[2])
        let out = Tensor(uninitialized: [b, (gridHeight / kernel) * (gridWidth / kernel), ch], dtype: x.dtype)
        func run<T: NNFloat>(_: T.Type) {
            T.nn.tokenAvgPool(x.nn(T.self), out.nn(T.self), b, gridHeight, gridWidth, ch, kernel)
        }
        byPrecision(x, Self.name, { run(Float.self) }, { run(Double.self) })
        return (out, ())
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let dy = g.contiguous(), s = c.inputs[0].shape, dx = Tensor(uninitialized: s, dtype: dy.dtype)
        func run<T: NNFloat>(_: T.Type) {
            T.nn.tokenAvgPoolBackward(dy.nn(T.self), dx.nn(T.self), s[0], gridHeight, gridWidth, s[2], kernel)
        }
        byPrecision(dy, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dx]
    }
}

extension Variable {
    /// p×p patches of images [B, C, H, W]; see `PatchifyOp`.
    public func patchify(patch: Int) -> Variable { PatchifyOp(patch: patch).apply(self) }
    /// Average pool of a token grid; see `TokenAvgPoolOp`.
    public func tokenAvgPool(gridHeight: Int, gridWidth: Int, kernel: Int) -> Variable {
        TokenAvgPoolOp(gridHeight: gridHeight, gridWidth: gridWidth, kernel: kernel).apply(self)
    }
}
