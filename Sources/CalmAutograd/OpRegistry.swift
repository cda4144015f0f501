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

    /// All registered ops.
    public static var all: [any Op.Type] { coreOps }

    /// Their names; unique.
    public static var names: [String] { all.map { $0.name } }
}
