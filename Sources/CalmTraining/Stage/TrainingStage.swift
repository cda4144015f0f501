import CalmAutograd
import CalmTensor

/// The plug-in point of the runtime: a model's named parameters plus a source of micro-batch
/// losses. The loop, checkpoints, resume, metrics and signals are the same for every stage;
/// a stage (pretrain, instruct, ...) only says where batches come from and how the loss is made.
///
/// For exact resume, everything the stage draws must come either from `random` (dropout,
/// masking: the runtime saves and restores it) or from its data reader, whose position
/// `dataPosition` reports and `restore(dataPosition:)` reinstates.
public protocol TrainingStage: AnyObject {
    /// Every parameter, named hierarchically ("vision.blocks.0.attn.qkv.weight"), in a fixed order.
    var parameters: [(name: String, variable: Variable)] { get }
    /// Reads the next micro-batch and returns its loss, recorded on the tape.
    func nextMicroBatch(random: inout RandomGenerator) throws -> MicroBatch
    /// The data reader's exact position (an opaque string, JSON by convention).
    var dataPosition: String { get }
    /// Moves the data reader to a position `dataPosition` returned earlier.
    func restore(dataPosition: String) throws
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
