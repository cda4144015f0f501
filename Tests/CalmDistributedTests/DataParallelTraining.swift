import CalmAutograd
@testable import CalmData
import CalmTensor
import Foundation
@testable import CalmDistributed

/// A small data-parallel training run, the same code for the in-process reference (one
/// process, global batch) and for each rank under `mpirun`: a 2-layer MLP regressing
/// synthetic shard labels from their pixels, plain SGD, each rank reading its `BatchShare`.
struct TrainingJob: Codable {
    var shards: String
    /// Records per rank per step; the global batch is ranks × this.
    var batchPerRank: Int
    var steps: Int
    /// Stop after this many epochs (nil: endless).
    var epochs: Int?
    /// Checkpoint to resume from, and where rank 0 writes one at the end.
    var resumeFrom: String?
    var checkpointTo: String?
    /// Where each rank writes its `TrainingResult` (rank-<r>.json).
    var results: String
    /// Sum the gradients during backward (`DataParallel.overlapBackward`).
    var overlap = true
}

/// What one rank saw: the global loss of every step, its final weights, and whether the
/// gradient sums overlapped backward together with the summed gradients of every step.
struct TrainingResult: Codable {
    var losses: [Double]
    var weights: [[Float]]
    var overlapped = false
    var gradients: [[Float]] = []
}

/// The weights and the global data position: all a resumed run needs (the optimizer is stateless).
struct MLPCheckpoint: Codable {
    var weights: [[Float]]
    var position: ShardReaderPosition
}

enum SyntheticData {
    static let side = 2, hidden = 8, outputs = 2

    /// `count` records over shards of up to 7, fixed 2×2 RGB images, two labels that depend
    /// smoothly on the pixels.
    static func write(count: Int, to folder: String) throws -> ShardSet {
        let counts = stride(from: 0, to: count, by: 7).map { min(7, count - $0) }
        var manifest = ShardManifest(source: "synthetic", layout: .fixed(size: side), shardSize: 7, sourceCount: count, labelNames: ["a", "b"])
        var random = SplitMix64(seed: 7)
        for (shard, n) in counts.enumerated() {
            let samples = (0..<n).map { row -> ShardSample in
                let rgb = (0..<side * side * 3).map { _ in UInt8(random.below(256)) }
                let x = rgb.map { Float($0) / 255 }
                let label: [Float] = [x[0] - x[5] + 0.5 * x[7], x[2] * x[9] - x[11]]
                return ShardSample(id: "s\(shard)-\(row)", image: .pixels(width: side, height: side, rgb: rgb), label: label)
            }
            let file = ShardFormat.fileName(forShard: shard)
            let digest = try ShardWriter.write(samples, layout: .fixed(size: side), source: "synthetic", to: folder + "/" + file)
            manifest.shards.append(.init(file: file, count: n, sha256: digest, sourceEnd: manifest.imageCount + n))
        }
        manifest.complete = true
        try manifest.save(to: folder)
        return try ShardSet(folder: folder)
    }

    /// (pixels in [0, 1], labels) of one record.
    static func example(_ sample: ShardSample, _ random: inout SplitMix64) throws -> ([Float], [Float]) {
        guard case .pixels(_, _, let rgb) = sample.image, let label = sample.label else {
            throw DistributedError("record \(sample.id) lacks pixels or labels")
        }
        return (rgb.map { Float($0) / 255 }, label)
    }
}

/// Runs `job` on `communicator`: every rank starts from its own random weights (seeded by
/// rank) so that only `broadcastParameters` can make them agree.
func runTraining(_ job: TrainingJob, on communicator: any Communicator) throws -> TrainingResult {
    let inputs = SyntheticData.side * SyntheticData.side * 3
    var rng = RandomGenerator(seed: 100 + UInt64(communicator.rank))
    let parameters = [
        Variable.parameter(Tensor.normal([inputs, SyntheticData.hidden], std: 0.5, using: &rng), name: "w1"),
        Variable.parameter(Tensor.normal([SyntheticData.hidden], std: 0.1, using: &rng), name: "b1"),
        Variable.parameter(Tensor.normal([SyntheticData.hidden, SyntheticData.outputs], std: 0.5, using: &rng), name: "w2"),
        Variable.parameter(Tensor.normal([SyntheticData.outputs], std: 0.1, using: &rng), name: "b2"),
    ]
    // Tiny buckets, so that this small model still spans several.
    let parallel = DataParallel(parameters: parameters, communicator: communicator, bucketBytes: 256, overlapBackward: job.overlap)
    var position: ShardReaderPosition?
    if let path = job.resumeFrom {
        let checkpoint = try JSONDecoder().decode(MLPCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        for (parameter, values) in zip(parameters, checkpoint.weights) { parameter.value = Tensor(values, shape: parameter.shape) }
        position = checkpoint.position
    }
    try parallel.broadcastParameters()

    let options = ShardReader<([Float], [Float])>.Options(batchSize: job.batchPerRank * communicator.size, seed: 3, shuffleBuffer: 5,
                                                          workers: 1, epochs: job.epochs, share: BatchShare(communicator.rank, of: communicator.size))
    let reader = try ShardReader(shards: ShardSet(folder: job.shards), options: options, resumingFrom: position, transform: SyntheticData.example)
    var result = TrainingResult(losses: [], weights: [], overlapped: parallel.overlapsBackward)
    for _ in 0..<job.steps {
        guard let (examples, globalCount) = try reader.nextShare() else { break }
        let share = try parallel.share(of: Double(examples.count))
        guard share == Double(examples.count) / Double(globalCount) else {
            throw DistributedError("rank \(communicator.rank): share \(share) of a global batch of \(globalCount), \(examples.count) here")
        }
        var lossShare = 0.0
        if !examples.isEmpty {
            let x = Variable(Tensor(examples.flatMap(\.0), shape: [examples.count, inputs]))
            let y = Variable(Tensor(examples.flatMap(\.1), shape: [examples.count, SyntheticData.outputs]))
            let hidden = (x.matmul(parameters[0]) + parameters[1]).tanh()
            let loss = (hidden.matmul(parameters[2]) + parameters[3] - y).pow(2).mean() * share
            try parallel.backwardSummingGradients(loss)
            lossShare = loss.value.toDoubles()[0]
        } else {
            try parallel.sumGradients()  // nothing to back-propagate: zeros into the sum
        }
        result.losses.append(try communicator.allreduceSum([lossShare])[0])
        result.gradients.append(parameters.flatMap { $0.grad!.toArray(Float.self) })
        noGrad {
            for p in parameters {
                p.value = p.value - p.grad! * 0.1
                p.zeroGrad()
            }
        }
    }
    result.weights = parameters.map { $0.value.toArray(Float.self) }
    if let path = job.checkpointTo, communicator.isRoot {
        let data = try JSONEncoder().encode(MLPCheckpoint(weights: result.weights, position: reader.position))
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
    try communicator.barrier()
    return result
}
