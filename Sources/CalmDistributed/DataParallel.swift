import CalmAutograd
import CalmTensor
import Foundation

/// Data-parallel training of one model over a communicator's ranks.
///
/// Every rank holds the same parameters (`broadcastParameters` makes it so) and computes
/// gradients on its own share of the global batch, with its loss scaled by that share
/// (`share(of:)`: a loss averaged over the local samples, times local / global samples, is
/// the rank's part of the loss averaged over the global batch). `sumGradients` then adds the
/// ranks' gradients, giving every rank the gradient of the global batch, so the same
/// optimizer step keeps the replicas identical. With a single process both are identities,
/// so training code needs no special case.
public final class DataParallel {
    public let communicator: any Communicator
    /// The trainable parameters, in model order (their order must agree across ranks).
    public let parameters: [Variable]
    public let plan: GradientBucketPlan
    /// Whether `backwardSummingGradients` overlaps the allreduce with backward: asked for at
    /// init, and possible only with several ranks whose communicator accepts collectives from
    /// another thread (MPI granted at least `MPI_THREAD_SERIALIZED`).
    public let overlapsBackward: Bool
    private let staging: [Tensor]
    /// The bucket holding each parameter's gradient.
    private let bucketOfParameter: [ObjectIdentifier: Int]
    /// Runs the overlapped allreduces one after another, in the order they were queued.
    private let communication = DispatchQueue(label: "calm.data-parallel.allreduce")
    /// Seconds spent in `sumGradients` on its last call (packing, allreduce, unpacking); for
    /// `backwardSummingGradients` with overlap, the part after backward returned (the
    /// communication backward did not hide, and unpacking).
    public private(set) var lastSynchronizationSeconds = 0.0

    /// Prepares buckets of about `bucketBytes` (default 2 MiB) for the gradients of `parameters`;
    /// `overlapBackward` asks `backwardSummingGradients` to send buckets during backward.
    public init(parameters: [Variable], communicator: any Communicator, bucketBytes: Int = 2 << 20, overlapBackward: Bool = false) {
        self.communicator = communicator
        self.parameters = parameters
        plan = GradientBucketPlan(shapes: parameters.map(\.shape), dtypes: parameters.map(\.dtype), bucketBytes: bucketBytes)
        staging = plan.buckets.map { Tensor.zeros([$0.count], dtype: $0.dtype) }
        var bucketOfParameter: [ObjectIdentifier: Int] = [:]
        for (index, bucket) in plan.buckets.enumerated() {
            for slot in bucket.slots { bucketOfParameter[ObjectIdentifier(parameters[slot.parameter])] = index }
        }
        self.bucketOfParameter = bucketOfParameter
        overlapsBackward = overlapBackward && communicator.size > 1 && communicator.allowsCollectivesFromAnotherThread
    }

    /// Bytes of gradient each rank contributes to the allreduce per step.
    public var gradientBytes: Int { plan.buckets.reduce(0) { $0 + $1.count * $1.dtype.byteSize } }

    /// Overwrites every rank's parameter values with rank `root`'s (call once before training
    /// and after restoring, so that the replicas start identical).
    public func broadcastParameters(from root: Int = 0) throws {
        guard communicator.size > 1 else { return }
        for parameter in parameters {
            let value = parameter.value.contiguous()
            try communicator.broadcast(UnsafeMutableRawBufferPointer(start: value.rawPointer, count: value.count * value.dtype.byteSize), root: root)
            parameter.value = value
        }
    }

    /// This rank's fraction of the global batch: `local` / (sum of `local` over ranks), 0 when
    /// the global batch is empty. `local` counts what the loss averages over (samples, tokens).
    public func share(of local: Double) throws -> Double {
        let global = try communicator.allreduceSum([local])[0]
        return global > 0 ? local / global : 0
    }

    /// Replaces every rank's gradients by their sum over the ranks, bucket by bucket. A
    /// parameter without a gradient on some rank (no samples there) counts as zeros; one
    /// without a gradient on every rank keeps none, as in a single process.
    public func sumGradients() throws {
        guard communicator.size > 1 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastSynchronizationSeconds = Self.seconds(since: start) }
        for index in plan.buckets.indices {
            pack(index)
            try allreduce(staging[index])
        }
        try unpackSums()
    }

    /// `loss.backward()` then `sumGradients()`. With `overlapsBackward`, a bucket is packed as
    /// soon as backward has made all its gradients final, and its allreduce runs on a
    /// communication thread while backward goes on; buckets go out in plan order and each
    /// holds the same values as in `sumGradients`, so the result is bitwise the same. With
    /// gradient accumulation, call it for the last micro-batch only (plain `backward` before).
    /// Both run the same collectives in the same order, so a rank with nothing to back-propagate
    /// may call `sumGradients` while the others call this.
    public func backwardSummingGradients(_ loss: Variable) throws {
        guard overlapsBackward else {
            loss.backward()
            return try sumGradients()
        }
        var sender = BucketSender(plan: plan, communication: communication, send: { [unowned self] index in
            self.pack(index)
            let buffer = self.staging[index]
            return { try self.allreduce(buffer) }
        })
        loss.backward { [bucketOfParameter] leaf in
            if let bucket = bucketOfParameter[ObjectIdentifier(leaf)] { sender.parameterFinal(inBucket: bucket) }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastSynchronizationSeconds = Self.seconds(since: start) }
        // Parameters backward never reached are final too (no gradient, sent as zeros).
        try sender.finish()
        try unpackSums()
    }

    /// Copies bucket `index`'s gradients (zeros for a parameter without one) into its staging buffer.
    private func pack(_ index: Int) {
        let buffer = staging[index]
        for slot in plan.buckets[index].slots {
            let destination = view(buffer, slot)
            if let grad = parameters[slot.parameter].grad { grad.copy(into: destination) } else { destination.fill(0) }
        }
    }

    /// Copies the summed staging buffers back into the gradients of the parameters that have
    /// one on some rank (after the buckets' allreduces, and itself one more collective).
    private func unpackSums() throws {
        let present = try communicator.allreduceSum(parameters.map { $0.grad == nil ? 0 : 1 })
        for (bucket, buffer) in zip(plan.buckets, staging) {
            for slot in bucket.slots where present[slot.parameter] > 0 {
                let parameter = parameters[slot.parameter]
                if let grad = parameter.grad, grad.isContiguous, grad.dtype == buffer.dtype {
                    view(buffer, slot).copy(into: grad)
                } else {
                    parameter.grad = view(buffer, slot).contiguous()
                }
            }
        }
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func view(_ buffer: Tensor, _ slot: GradientBucketPlan.Slot) -> Tensor {
        buffer.slice(axis: 0, slot.offset..<slot.offset + slot.count).reshaped(parameters[slot.parameter].shape)
    }

    private func allreduce(_ buffer: Tensor) throws {
        switch buffer.dtype {
        case .float32: try communicator.allreduceSum(UnsafeMutableBufferPointer(start: buffer.pointer(as: Float.self), count: buffer.count))
        case .float64: try communicator.allreduceSum(UnsafeMutableBufferPointer(start: buffer.pointer(as: Double.self), count: buffer.count))
        default: preconditionFailure("DataParallel: \(buffer.dtype) gradients")
        }
    }
}
