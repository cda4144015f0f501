import CalmAutograd
import CalmTensor
import Foundation

/// Data-parallel training of one model over a communicator's ranks.
///
/// Every rank holds the same parameters (`broadcastParameters` makes it so), computes
/// gradients on its own share of the global batch, then `averageGradients` turns each
/// rank's gradients into the gradient of the whole global batch, identical on every rank,
/// so the same optimizer step keeps the replicas identical. With a single process it is a
/// no-op, so training code needs no special case.
public final class DataParallel {
    public let communicator: any Communicator
    /// The trainable parameters, in model order (their order must agree across ranks).
    public let parameters: [Variable]
    public let plan: GradientBucketPlan
    private let staging: [Tensor]
    /// Seconds spent in `averageGradients` on its last call (packing, allreduce, unpacking).
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

    /// Replaces each rank's gradients (of a loss averaged over its `localSamples`) by the
    /// gradient of the loss averaged over all `globalSamples` of the step: the sum over ranks
    /// of local gradients weighted by localSamples / globalSamples. A rank with no samples, or
    /// a parameter without a gradient, contributes zeros; afterwards every parameter has one.
    public func averageGradients(localSamples: Int, globalSamples: Int) throws {
        precondition(globalSamples > 0 && (0...globalSamples).contains(localSamples),
                     "averageGradients: \(localSamples) local of \(globalSamples) global samples")
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastSynchronizationSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let weight = Double(localSamples) / Double(globalSamples)
        guard communicator.size > 1 else {
            for p in parameters { p.grad = p.grad.map { $0 * weight } ?? Tensor.zeros(p.shape, dtype: p.dtype) }
            return
        }
        for (bucket, buffer) in zip(plan.buckets, staging) {
            for slot in bucket.slots {
                let destination = view(buffer, slot)
                if let grad = parameters[slot.parameter].grad { grad.copy(into: destination) } else { destination.fill(0) }
            }
            try reduce(buffer, weight: weight)
            for slot in bucket.slots {
                let parameter = parameters[slot.parameter]
                if let grad = parameter.grad, grad.isContiguous, grad.dtype == buffer.dtype {
                    view(buffer, slot).copy(into: grad)
                } else {
                    parameter.grad = view(buffer, slot).contiguous()
                }
            }
        }
    }

    /// The sum over ranks of `value` × localSamples / globalSamples: the global mean of a
    /// per-rank mean such as the loss, identical on every rank.
    public func average(_ value: Double, localSamples: Int, globalSamples: Int) throws -> Double {
        try communicator.allreduceSum([value * Double(localSamples) / Double(globalSamples)])[0]
    }

    private func view(_ buffer: Tensor, _ slot: GradientBucketPlan.Slot) -> Tensor {
        buffer.slice(axis: 0, slot.offset..<slot.offset + slot.count).reshaped(parameters[slot.parameter].shape)
    }

    /// Scales `buffer` by `weight` and sums it over the ranks, in place.
    private func reduce(_ buffer: Tensor, weight: Double) throws {
        switch buffer.dtype {
        case .float32:
            let values = UnsafeMutableBufferPointer(start: buffer.pointer(as: Float.self), count: buffer.count)
            let w = Float(weight)
            for i in values.indices { values[i] *= w }
            try communicator.allreduceSum(values)
        case .float64:
            let values = UnsafeMutableBufferPointer(start: buffer.pointer(as: Double.self), count: buffer.count)
            for i in values.indices { values[i] *= weight }
            try communicator.allreduceSum(values)
        default:
            preconditionFailure("DataParallel: \(buffer.dtype) gradients")
        }
    }
}
