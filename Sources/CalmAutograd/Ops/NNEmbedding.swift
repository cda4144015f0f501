import CalmTensor

/// Rows of an embedding table [V, D] picked by integer `ids` (int32 or int64, any shape):
/// output ids.shape + [D]. Backward scatter-adds the gradient rows into a zero table.
public struct EmbeddingOp: Op {
    public static let name = "embedding"
    public let ids: Tensor
    public init(ids: Tensor) {
        precondition(ids.dtype == .int32 || ids.dtype == .int64, "embedding: ids must be int32 or int64, got \(ids.dtype)")
        self.ids = ids.contiguous()
    }

    public func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Void) {
        let table = inputs[0].contiguous()
        precondition(table.rank == 2, "embedding: the table must be [vocab, dim], got \(table.shape)")
        let (vocab, dim) = (table.shape[0], table.shape[1])
        let out = Tensor(uninitialized: ids.shape + [dim], dtype: table.dtype)
        func run<T: NNFloat>(_: T.Type) -> Int {
            ids.dtype == .int32
                ? T.nn.embeddingI32(ids.pointer(as: Int32.self), ids.count, table.nn(T.self), vocab, dim, out.nn(T.self))
                : T.nn.embeddingI64(ids.pointer(as: Int64.self), ids.count, table.nn(T.self), vocab, dim, out.nn(T.self))
        }
        let bad = byPrecision(table, Self.name, { run(Float.self) }, { run(Double.self) })
        precondition(bad < 0, "embedding: id \(ids.toDoubles()[Swift.max(bad, 0)]) at position \(bad) is outside [0, \(vocab))")
        return (out, ())
    }

    public func backward(_ g: Tensor, _ c: BackwardContext<Void>) -> [Tensor?] {
        let dy = g.contiguous(), (vocab, dim) = (c.inputs[0].shape[0], c.inputs[0].shape[1])
        let dtable = Tensor(uninitialized: c.inputs[0].shape, dtype: dy.dtype)
        func run<T: NNFloat>(_: T.Type) {
            _ = ids.dtype == .int32
                ? T.nn.embeddingBackwardI32(ids.pointer(as: Int32.self), ids.count, dy.nn(T.self), vocab, dim, dtable.nn(T.self))
                : T.nn.embeddingBackwardI64(ids.pointer(as: Int64.self), ids.count, dy.nn(T.self), vocab, dim, dtable.nn(T.self))
        }
        byPrecision(dy, Self.name, { run(Float.self) }, { run(Double.self) })
        return [dtable]
    }
}

/// Ids or targets that come from data and fall outside the range a model accepts.
public struct IndexRangeError: Error, CustomStringConvertible {
    public let description: String
}

extension Tensor {
    /// Throws unless every value lies in 0..<bound or equals `exempt` (an ignore index);
    /// the message names `what`, the flat position and the value.
    public func checkIndices(below bound: Int, exempt: Int? = nil, _ what: String) throws {
        for (position, value) in indexValues().enumerated() where value != exempt && !(0..<bound).contains(value) {
            throw IndexRangeError(description: "\(what): value \(value) at position \(position) is outside [0, \(bound))")
        }
    }
}

extension Variable {
    /// The rows of this embedding table [V, D] at `ids` (trusted to lie in [0, V)).
    public func embedding(_ ids: Tensor) -> Variable { EmbeddingOp(ids: ids).apply(self) }

    /// `embedding(_:)` for ids from data: throws `IndexRangeError` instead of trapping.
    public func embedding(checking ids: Tensor) throws -> Variable {
        try ids.checkIndices(below: shape.first ?? 0, "embedding ids")
        return embedding(ids)
    }
}
