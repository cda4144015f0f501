/// Every differentiable op, by name: tests iterate it to prove each op has a gradient check
/// and a PyTorch parity case. A new op family appends its list here.
public enum OpRegistry {
    /// Tensor-core ops: arithmetic, pointwise math, reductions, matmul, views, indexing.
    public static let coreOps: [any Op.Type] = [
        AddOp.self, SubOp.self, MulOp.self, DivOp.self, NegOp.self, AffineOp.self,
        ExpOp.self, LogOp.self, SqrtOp.self, RsqrtOp.self, TanhOp.self, PowOp.self,
        SumOp.self, MeanOp.self, MaxOp.self,
        MatMulOp.self,
        ReshapeOp.self, PermuteOp.self, ExpandOp.self,
        ConcatOp.self, SliceOp.self, IndexSelectOp.self, GatherOp.self,
    ]

    /// Fused neural-network ops (Ops/NN*.swift), each calling its C kernels.
    public static let nnOps: [any Op.Type] = [
        GeluOp.self, GeluTanhOp.self, QuickGeluOp.self, SiluOp.self,
        SoftmaxOp.self, LogSoftmaxOp.self, CrossEntropyOp.self,
        LayerNormOp.self, RMSNormOp.self,
        EmbeddingOp.self, RopeOp.self, AttentionOp.self,
        PatchifyOp.self, TokenAvgPoolOp.self, DropoutOp.self, MaskedFillOp.self,
    ]

    /// All registered ops.
    public static var all: [any Op.Type] { coreOps + nnOps }

    /// Their names; unique.
    public static var names: [String] { all.map { $0.name } }
}
