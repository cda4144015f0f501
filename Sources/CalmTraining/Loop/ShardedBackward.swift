import CalmAutograd
import CalmTensor
import Foundation

/// Forward and backward of a micro-batch's shards at the same time, one core each: small
/// products scale poorly over OpenBLAS's threads, while one single-threaded product per core
/// runs near the core's peak. Shard 0 adds its gradients into the leaves' `grad` as it goes;
/// every other shard fills a sink of its own, added afterwards in shard order, so the sum is
/// the same on every run.
public enum ShardedBackward {
    /// The shards `auto` means: one per core both OpenBLAS and the kernels may use (so
    /// `OPENBLAS_NUM_THREADS=1`, `--threads 1` or a rank's share of one core keeps it to one),
    /// at most one per sample.
    public static func automaticCount(samples: Int) -> Int {
        Swift.max(1, Swift.min(Parallel.maxThreads, BLAS.threads, samples))
    }

    /// Back-propagates `scale` × the shards' mean loss (each shard's loss weighted by its part of
    /// their `averagedOver`) into the leaves' `grad` and returns that mean loss, unscaled.
    public static func run(_ shards: [MicroBatchShard], scale: Double) -> Double {
        let total = Double(shards.reduce(0) { $0 + $1.averagedOver })
        let weights = shards.map { total > 0 ? Double($0.averagedOver) / total : 0 }
        let sinks = shards.indices.map { $0 == 0 ? nil : LeafGradients() }
        func train(_ k: Int) -> Double {
            let loss = shards[k].forward()
            (loss * (weights[k] * scale)).backward(into: sinks[k])
            return loss.value.item
        }
        var losses = [Double](repeating: 0, count: shards.count)
        if shards.count == 1 {
            losses[0] = train(0)
        } else {
            // OpenBLAS's thread count is process-wide: one thread for the shards' whole duration.
            let blasThreads = BLAS.threads
            BLAS.threads = 1
            defer { BLAS.threads = blasThreads }
            losses.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: shards.count) { k in out[k] = Parallel.withThreads(1) { train(k) } }
            }
        }
        for sink in sinks { sink?.addToLeaves() }
        return zip(losses, weights).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
