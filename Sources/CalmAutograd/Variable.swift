import CalmTensor

/// A tensor in the autodiff graph. Leaves are inputs and parameters (`requiresGrad`
/// parameters receive `grad`); every other variable remembers the tape entry that made it.
public final class Variable {
    /// The current value. Optimizers replace or update it in place between steps.
    public var value: Tensor
    /// The accumulated gradient of a leaf that requires one (nil until a backward pass).
    public var grad: Tensor?
    /// Whether gradients flow to this variable; false freezes a parameter.
    public var requiresGrad: Bool
    /// A name for parameters (checkpoints, optimizer groups); nil for intermediates.
    public let name: String?
    /// The tape entry that produced this variable; nil for leaves.
    let entry: TapeEntry?

    /// A leaf: an input (`requiresGrad` false) or a trainable parameter.
    public init(_ value: Tensor, name: String? = nil, requiresGrad: Bool = false) {
        self.value = value
        self.name = name
        self.requiresGrad = requiresGrad
        self.entry = nil
    }

    init(_ value: Tensor, producedBy entry: TapeEntry) {
        self.value = value
        self.name = nil
        self.requiresGrad = true
        self.entry = entry
    }

    /// A trainable leaf named `name`.
    public static func parameter(_ value: Tensor, name: String) -> Variable {
        Variable(value, name: name, requiresGrad: true)
    }

    /// True for inputs and parameters.
    public var isLeaf: Bool { entry == nil }
    public var shape: [Int] { value.shape }
    public var dtype: DType { value.dtype }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// The same value cut from the graph.
    public func detached() -> Variable { Variable(value) }

    /// The name of the op that produced this variable (nil for leaves).
    public var opName: String? { entry?.opName }
}

extension Variable: CustomStringConvertible {
    public var description: String {
        let origin = name.map { "'\($0)'" } ?? entry.map { "from \($0.opName)" } ?? "constant"
        return "Variable(\(origin), requiresGrad: \(requiresGrad), \(value))"
    }
}
