import CalmTensor

/// A differentiable operation: its forward and backward passes side by side in one type.
///
/// `forward` computes the output from input values and returns whatever the backward pass
/// needs beyond the inputs and the output (`Saved`; use `()` when nothing). `backward`
/// receives the gradient of the loss with respect to the output and returns one gradient
/// per input, shaped like that input, or nil where `context.needsGrad[i]` is false or the
/// input is not differentiable (integer indices).
public protocol Op {
    /// What forward keeps for backward (softmax probabilities, a mask, ...).
    associatedtype Saved = Void

    /// The op's name in the registry and on the tape; unique across all op families.
    static var name: String { get }

    /// Output value (and saved state) from input values.
    func forward(_ inputs: [Tensor]) -> (output: Tensor, saved: Saved)

    /// Gradients with respect to each input, given the gradient of the output.
    func backward(_ gradOutput: Tensor, _ context: BackwardContext<Saved>) -> [Tensor?]
}

/// What the backward pass of an op sees.
public struct BackwardContext<Saved> {
    /// The input values of the forward call.
    public let inputs: [Tensor]
    /// The output value of the forward call.
    public let output: Tensor
    /// The op's own saved state.
    public let saved: Saved
    /// Which inputs want a gradient; backward may skip (return nil for) the others.
    public let needsGrad: [Bool]
}

extension Op {
    /// Runs the op on `inputs` and, when gradients are recorded and some input requires
    /// one, records it on the tape.
    public func apply(_ inputs: [Variable]) -> Variable {
        let values = inputs.map(\.value)
        let (output, saved) = OpProfiler.measure(Self.name, backward: false) { forward(values) }
        let needsGrad = inputs.map(\.requiresGrad)
        guard GradMode.isEnabled, needsGrad.contains(true) else { return Variable(output) }
        let entry = TapeEntry(opName: Self.name, inputs: inputs) { gradOutput in
            self.backward(gradOutput, BackwardContext(inputs: values, output: output, saved: saved, needsGrad: needsGrad))
        }
        return Variable(output, producedBy: entry)
    }

    /// `apply` with inputs listed inline.
    public func apply(_ inputs: Variable...) -> Variable { apply(inputs) }
}
