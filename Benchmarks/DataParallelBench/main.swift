import CalmAutograd
import CalmData
import CalmDistributed
import CalmModels
import CalmTensor
import Foundation

// Data-parallel training throughput: a training step (forward, backward, gradient sum over
// the ranks, SGD update) on a fixed global batch, split over however many ranks `mpirun`
// started. Run by Scripts/mpi-bench.sh as 1 rank × 2 threads and 2 ranks × 1 thread.
//
// overlap=1 sums each gradient bucket during backward (DataParallel.overlapBackward).
//
//   DataParallelBench [model=mlp|calm-tiny] [batch=N] [steps=10] [threads=N] [bucket_mb=2] [overlap=0] [width=1024] [depth=8]

var options: [String: String] = [:]
for argument in CommandLine.arguments.dropFirst() {
    let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { FileHandle.standardError.write(Data("ignoring '\(argument)' (expected key=value)\n".utf8)); continue }
    options[parts[0]] = parts[1]
}
func option(_ key: String, _ fallback: Int) -> Int { options[key].flatMap(Int.init) ?? fallback }

/// What a step trains: the parameters, and the mean loss of a share of the global batch
/// with the count that mean is over.
struct Workload {
    let parameters: [Variable]
    let globalBatch: Int
    let loss: (Range<Int>) throws -> (loss: Variable, count: Int)
}

/// `depth` tanh layers of width × width on random inputs and targets.
func mlp(width: Int, depth: Int, batch: Int) -> Workload {
    var random = RandomGenerator(seed: 1)
    let parameters = (0..<depth).flatMap { layer in [
        Variable.parameter(Tensor.normal([width, width], std: 1 / Double(width).squareRoot(), using: &random), name: "w\(layer)"),
        Variable.parameter(Tensor.zeros([width]), name: "b\(layer)"),
    ] }
    let inputs = Tensor.normal([batch, width], using: &random), targets = Tensor.normal([batch, width], using: &random)
    return Workload(parameters: parameters, globalBatch: batch) { share in
        var x = Variable(inputs.slice(axis: 0, share).contiguous())
        for layer in 0..<depth { x = (x.matmul(parameters[2 * layer]) + parameters[2 * layer + 1]).tanh() }
        return ((x - Variable(targets.slice(axis: 0, share).contiguous())).pow(2).mean(), share.count)
    }
}

/// calm-tiny at the reference training shape: one 128 px image and 64 text tokens per
/// sample, the loss on the last 32 (as CalmBench's model case).
func calmTiny(batch: Int) throws -> Workload {
    let config = CalmConfig.tiny, model = CalmModel(config, seed: 1)
    let v = config.language.vocabularySize
    let tokenIds = CalmTokenIds(image: v - 5, low: v - 4, middle: v - 3, high: v - 2, thematic: v - 1)
    var random = RandomGenerator(seed: 2)
    let samples = (0..<batch).map { _ in
        MultimodalSample(ids: [tokenIds.image] + (0..<64).map { _ in Int(random.next() % UInt64(v - 5)) },
                         lossMask: [Bool](repeating: false, count: 33) + [Bool](repeating: true, count: 32))
    }
    let images = Tensor.uniform([batch, 3, 128, 128], low: -1, high: 1, using: &random)
    return Workload(parameters: model.parameters().map(\.variable), globalBatch: batch) { share in
        let batch = try MultimodalBatch(samples: Array(samples[share]), images: images.slice(axis: 0, share).contiguous(),
                                        tokenIds: tokenIds, config: config)
        return (model.loss(batch), 32 * share.count)
    }
}

do {
    let communicator = try CommunicatorEnvironment.current()
    var threads = CommunicatorEnvironment.shareCores()
    if let requested = options["threads"].flatMap(Int.init) {
        (Parallel.maxThreads, BLAS.threads, threads) = (requested, requested, requested)
    }
    let model = options["model"] ?? "mlp", steps = option("steps", 10)
    let workload: Workload
    switch model {
    case "mlp": workload = mlp(width: option("width", 1024), depth: option("depth", 8), batch: option("batch", 256))
    case "calm-tiny": workload = try calmTiny(batch: option("batch", 8))
    default: throw DistributedError("unknown model '\(model)' (mlp or calm-tiny)")
    }
    let parameters = workload.parameters
    let parallel = DataParallel(parameters: parameters, communicator: communicator, bucketBytes: option("bucket_mb", 2) << 20,
                                overlapBackward: option("overlap", 0) != 0)
    let mine = BatchShare(communicator.rank, of: communicator.size).range(count: workload.globalBatch)

    /// One training step; returns (seconds, seconds in the gradient sum after backward).
    func step() throws -> (Double, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let (loss, count) = try workload.loss(mine)
        try parallel.backwardSummingGradients(loss * (try parallel.share(of: Double(count))))
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
            "model": model, "ranks": communicator.size, "threads_per_rank": threads, "global_batch": workload.globalBatch,
            "parameters": parameters.reduce(0) { $0 + $1.value.count }, "gradient_mb": Double(parallel.gradientBytes) / 1_048_576,
            "buckets": parallel.plan.buckets.count, "overlap": parallel.overlapsBackward, "seconds_per_step": slowest / Double(steps),
            "sync_seconds_per_step": synchronizing / Double(steps), "sum_gradients_seconds": bare,
            "samples_per_s": Double(workload.globalBatch * steps) / slowest,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
} catch {
    FileHandle.standardError.write(Data("DataParallelBench: \(error)\n".utf8))
    exit(1)
}
