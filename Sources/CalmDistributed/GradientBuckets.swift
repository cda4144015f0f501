import CalmTensor

/// How gradients are grouped for the allreduce: consecutive parameters, taken in reverse
/// order (the order backward finishes them), packed into buckets of about `bucketBytes`.
///
/// Few large messages amortize MPI's per-call latency; bounded buckets keep the staging
/// memory small and let a bucket be sent as soon as its gradients are final. A bucket holds
/// one dtype; a parameter larger than the target gets a bucket of its own.
public struct GradientBucketPlan: Equatable, Sendable {
    /// Where one parameter's gradient lives inside its bucket.
    public struct Slot: Equatable, Sendable {
        public var parameter: Int
        public var offset: Int
        public var count: Int
    }

    public struct Bucket: Equatable, Sendable {
        public var dtype: DType
        public var slots: [Slot]
        public var count: Int { slots.last.map { $0.offset + $0.count } ?? 0 }
    }

    public let buckets: [Bucket]

    /// Plans buckets for parameters of `shapes` and `dtypes` (float32 or float64).
    public init(shapes: [[Int]], dtypes: [DType], bucketBytes: Int) {
        precondition(shapes.count == dtypes.count, "GradientBucketPlan: \(shapes.count) shapes, \(dtypes.count) dtypes")
        var buckets: [Bucket] = []
        var current: Bucket?
        for index in shapes.indices.reversed() {
            let dtype = dtypes[index]
            precondition(dtype.isFloatingPoint, "GradientBucketPlan: parameter \(index) is \(dtype)")
            let count = shapes[index].reduce(1, *)
            if let open = current, open.dtype != dtype || (open.count + count) * dtype.byteSize > bucketBytes, !open.slots.isEmpty {
                buckets.append(open)
                current = nil
            }
            var bucket = current ?? Bucket(dtype: dtype, slots: [])
            bucket.slots.append(Slot(parameter: index, offset: bucket.count, count: count))
            current = bucket
        }
        if let current { buckets.append(current) }
        self.buckets = buckets
    }
}
