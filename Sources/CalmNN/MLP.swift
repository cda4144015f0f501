import CalmAutograd
import CalmTensor

/// The nonlinearity of a two-layer MLP.
public enum Activation: String, Codable, Sendable {
    /// x·sigmoid(1.702x), CLIP's.
    case quickGelu = "quick_gelu"
    /// The exact (erf) GELU.
    case gelu
    /// x·sigmoid(x).
    case silu

    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .quickGelu: return x.quickGelu()
        case .gelu: return x.gelu()
        case .silu: return x.silu()
        }
    }
}

/// fc2(act(fc1(x))) with biases: the transformer MLP of ViT and the Q-Formers, and the
/// thematic projector.
public final class MLP: Module {
    public let fc1: Linear, fc2: Linear
    public let activation: Activation

    public init(_ dim: Int, hidden: Int, out: Int? = nil, activation: Activation, using initializer: inout Initializer) {
        fc1 = Linear(dim, hidden, using: &initializer)
        fc2 = Linear(hidden, out ?? dim, using: &initializer)
        self.activation = activation
    }

    public override var children: [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }

    public func callAsFunction(_ x: Variable) -> Variable { fc2(activation(fc1(x))) }
}

/// down(silu(gate(x)) · up(x)) without biases: Llama's feed-forward.
public final class SwiGLU: Module {
    public let gate: Linear, up: Linear, down: Linear

    public init(_ dim: Int, hidden: Int, using initializer: inout Initializer) {
        gate = Linear(dim, hidden, bias: false, using: &initializer)
        up = Linear(dim, hidden, bias: false, using: &initializer)
        down = Linear(hidden, dim, bias: false, using: &initializer)
    }

    public override var children: [(String, Module)] { [("gate", gate), ("up", up), ("down", down)] }

    public func callAsFunction(_ x: Variable) -> Variable { down(gate(x).silu() * up(x)) }
}
