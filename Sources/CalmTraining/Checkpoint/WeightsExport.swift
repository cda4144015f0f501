/// Writes the parameters of the checkpoint at `checkpoint` (verified against its sidecar) as a
/// weights-only file for inference: `/params` and the recipe, no optimizer or data state.
public func exportWeightsOnly(from checkpoint: String, to output: String) throws {
    try CheckpointDirectory.verifyChecksum(of: CheckpointDirectory.resolve(checkpoint))
    var weights = try TrainingCheckpoint.read(from: CheckpointDirectory.resolve(checkpoint))
    weights.kind = .weights
    weights.moments = [:]
    try weights.write(to: output)
}
