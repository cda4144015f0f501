import CalmAutograd
import CalmTensor

/// The plug-in point of the runtime: a model's named parameters plus a source of micro-batch
/// losses. The loop, checkpoints, resume, metrics and signals are the same for every stage;
/// a stage (pretrain, instruct, ...) only says where batches come from and how the loss is made.
///
/// For exact resume, everything the stage draws must come from `random` (the runtime saves and
/// restores it), from generators it lists in `generators` (e.g. dropout modules' own), or from
/// its data reader, whose position `dataPosition` reports and `restore(dataPosition:)` reinstates.
public protocol TrainingStage: AnyObject {
    /// Every parameter, named hierarchically ("vision.blocks.0.attn.qkv.weight"), in a fixed order.
    var parameters: [(name: String, variable: Variable)] { get }
    /// Reads the next micro-batch and returns its loss, recorded on the tape.
    func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch
    /// The data reader's exact position (an opaque string, JSON by convention).
    var dataPosition: String { get }
    /// Moves the data reader to a position `dataPosition` returned earlier.
    func restore(dataPosition: String) throws
    /// Random generators the stage owns besides the runtime's, by name (default: none).
    var generators: [String: RandomGenerator] { get }
    /// Puts back generators saved from `generators`.
    func restore(generators: [String: RandomGenerator]) throws
    /// Lines the runtime shows once before training: what the stage measured or chose (default: none).
    var notes: [String] { get }
}

extension TrainingStage {
    public var generators: [String: RandomGenerator] { [:] }
    public var notes: [String] { [] }
    public func restore(generators: [String: RandomGenerator]) throws {
        guard generators.isEmpty else { throw TrainingError("the checkpoint has generators \(generators.keys.sorted()) this stage does not own") }
    }
}

/// A stage that can also measure held-out metrics. The runtime calls `evaluate` (with gradient
/// recording off) every `eval.every` steps, or once at the end when that is 0, and logs the result
/// as `{"step": n, "eval": {...}}`. It must not disturb the training data stream or `random`.
public protocol EvaluatingStage: TrainingStage {
    func evaluate() throws -> [String: Double]
}

/// One micro-batch's loss and how much it consumed (for throughput).
public struct MicroBatch {
    public var loss: Variable
    public var tokens: Int
    public var images: Int
    /// How many terms `loss` averages (images, or answer tokens for a language-model loss):
    /// over several ranks, each rank's loss counts in proportion to it.
    public var averagedOver: Int

    /// `averagedOver` defaults to `images`, else `tokens`, else 1.
    public init(loss: Variable, tokens: Int = 0, images: Int = 0, averagedOver: Int? = nil) {
        (self.loss, self.tokens, self.images) = (loss, tokens, images)
        self.averagedOver = averagedOver ?? (images > 0 ? images : tokens > 0 ? tokens : 1)
    }
}

/// A stage whose micro-batch can be cut into shards that the runtime trains concurrently, one
/// core each (`train.shards_per_step`): every shard's forward and backward run on its own
/// thread with single-threaded kernels, and the shards' gradients are summed in shard order.
public protocol ShardedStage: TrainingStage {
    /// Reads the next micro-batch cut into at most `count` shards. Data and `random` are read
    /// here, on the calling thread; each shard's `forward` may run on another thread at the same
    /// time as the others', so it must change no shared state (dropout must be off: its masks
    /// come from the module's one generator).
    func nextMicroBatch(shards count: Int, random: inout RandomGenerator) throws -> [MicroBatchShard]
}

extension ShardedStage {
    /// The micro-batch as one shard.
    public func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch {
        let shard = try nextMicroBatch(shards: 1, random: &random)[0]
        return MicroBatch(loss: shard.forward(), tokens: shard.tokens, images: shard.images, averagedOver: shard.averagedOver)
    }
}

/// One shard of a micro-batch: what it consumes and how to record its loss.
public struct MicroBatchShard {
    public var tokens: Int
    public var images: Int
    /// How many terms the shard's loss averages: the shards' losses are weighted by it, so that
    /// their weighted sum is the whole micro-batch's mean loss.
    public var averagedOver: Int
    /// Records the shard's mean loss on the tape.
    public var forward: () -> Variable

    public init(tokens: Int, images: Int, averagedOver: Int, forward: @escaping () -> Variable) {
        (self.tokens, self.images, self.averagedOver, self.forward) = (tokens, images, averagedOver, forward)
    }
}

/// A stage that can train under `mpirun`: it reads one rank's share of every global batch.
public protocol DataParallelStage: TrainingStage {
    /// From now on (and after `restore(dataPosition:)`), read only `rank`'s share of each global
    /// batch of `ranks` × `train.batch_size` records. `dataPosition` stays the global position,
    /// the same on every rank, so that a run can resume on any number of ranks. For results
    /// independent of the number of ranks, per-record randomness (augmentation, dropout) must
    /// come from the reader's per-record generator, not from the runtime's `random`.
    func readShare(rank: Int, of ranks: Int) throws
}
