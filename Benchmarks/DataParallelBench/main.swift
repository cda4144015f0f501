import CalmAutograd
import CalmDistributed
import CalmTensor
import Foundation

// Data-parallel training throughput: an MLP training step (forward, backward, gradient sum
// over the ranks, SGD update) on a fixed global batch, split over however many ranks `mpirun`
// started. Run by Scripts/mpi-bench.sh as 1 rank × 2 threads and 2 ranks × 1 thread.
//
//   DataParallelBench [width=1024] [depth=8] [batch=256] [steps=10] [threads=N] [bucket_mb=2]

let options = Dictionary(uniqueKeysWithValues: CommandLine.arguments.dropFirst().compactMap { argument -> (String, Int)? in
    let parts = argument.split(separator: "=", maxSplits: 1)
    guard parts.count == 2, let value = Int(parts[1]) else {
        FileHandle.standardError.write(Data("ignoring argument '\(argument)' (expected key=integer)\n".utf8))
        return nil
    }
    return (String(parts[0]), value)
})
let width = options["width"] ?? 1024, depth = options["depth"] ?? 8
let globalBatch = options["batch"] ?? 256, steps = options["steps"] ?? 10

do {
    let communicator = try CommunicatorEnvironment.current()
    var threads = CommunicatorEnvironment.shareCores()
    if let requested = options["threads"] {
        (Parallel.maxThreads, BLAS.threads, threads) = (requested, requested, requested)
    }

    var random = RandomGenerator(seed: 1)
    let parameters = (0..<depth).flatMap { layer in [
        Variable.parameter(Tensor.normal([width, width], std: 1 / Double(width).squareRoot(), using: &random), name: "w\(layer)"),
        Variable.parameter(Tensor.zeros([width]), name: "b\(layer)"),
    ] }
    let parallel = DataParallel(parameters: parameters, communicator: communicator, bucketBytes: (options["bucket_mb"] ?? 2) << 20)
    let mine = BatchPartition.share(of: communicator.rank, ranks: communicator.size, count: globalBatch)
    let inputs = Tensor.normal([globalBatch, width], using: &random).slice(axis: 0, mine).contiguous()
    let targets = Tensor.normal([globalBatch, width], using: &random).slice(axis: 0, mine).contiguous()

    /// One training step; returns (seconds, seconds in the gradient sum).
    func step() throws -> (Double, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let share = try parallel.share(of: Double(mine.count))
        var x = Variable(inputs)
        for layer in 0..<depth { x = (x.matmul(parameters[2 * layer]) + parameters[2 * layer + 1]).tanh() }
        ((x - Variable(targets)).pow(2).mean() * share).backward()
        try parallel.sumGradients()
        noGrad {
            for p in parameters {
                p.value = p.value - p.grad! * 0.01
                p.zeroGrad()
            }
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, parallel.lastSynchronizationSeconds)
    }

    _ = try step()  // warm-up: first-touch allocations, OpenBLAS buffers
    try communicator.barrier()
    var total = 0.0, synchronizing = 0.0
    for _ in 0..<steps {
        let (seconds, sync) = try step()
        total += seconds
        synchronizing += sync
    }
    // The gradient sum alone, ranks aligned by a barrier first: the cost of communication
    // without the wait for a slower rank that `sync_seconds_per_step` includes.
    var bare = 0.0
    for _ in 0..<3 {
        try communicator.barrier()
        try parallel.sumGradients()
        bare += parallel.lastSynchronizationSeconds / 3
    }
    // The slowest rank sets the pace.
    let slowest = try communicator.allreduceSum((0..<communicator.size).map { $0 == communicator.rank ? total : 0 }).max()!
    if communicator.isRoot {
        let result: [String: Any] = [
            "ranks": communicator.size, "threads_per_rank": threads, "width": width, "depth": depth, "global_batch": globalBatch,
            "parameters": parameters.reduce(0) { $0 + $1.value.count }, "gradient_mb": Double(parallel.gradientBytes) / 1_048_576,
            "buckets": parallel.plan.buckets.count, "seconds_per_step": slowest / Double(steps),
            "sync_seconds_per_step": synchronizing / Double(steps), "sum_gradients_seconds": bare, "samples_per_s": Double(globalBatch * steps) / slowest,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
} catch {
    FileHandle.standardError.write(Data("DataParallelBench: \(error)\n".utf8))
    exit(1)
}
