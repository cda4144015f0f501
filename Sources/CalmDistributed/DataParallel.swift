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
    private let staging: [Tensor]
    /// Seconds spent in `sumGradients` on its last call (packing, allreduce, unpacking).
    public private(set) var lastSynchronizationSeconds = 0.0

    /// Prepares buckets of about `bucketBytes` (default 2 MiB) for the gradients of `parameters`.
    public init(parameters: [Variable], communicator: any Communicator, bucketBytes: Int = 2 << 20) {
        self.communicator = communicator
        self.parameters = parameters
        plan = GradientBucketPlan(shapes: parameters.map(\.shape), dtypes: parameters.map(\.dtype), bucketBytes: bucketBytes)
        staging = plan.buckets.map { Tensor.zeros([$0.count], dtype: $0.dtype) }
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
        defer { lastSynchronizationSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let present = try communicator.allreduceSum(parameters.map { $0.grad == nil ? 0 : 1 })
        for (bucket, buffer) in zip(plan.buckets, staging) {
            for slot in bucket.slots {
                let destination = view(buffer, slot)
                if let grad = parameters[slot.parameter].grad { grad.copy(into: destination) } else { destination.fill(0) }
            }
            try allreduce(buffer)
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
