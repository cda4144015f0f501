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
}

extension TrainingStage {
    public var generators: [String: RandomGenerator] { [:] }
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

    public init(loss: Variable, tokens: Int = 0, images: Int = 0) {
        (self.loss, self.tokens, self.images) = (loss, tokens, images)
    }
}
