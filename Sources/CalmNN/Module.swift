import CalmAutograd
import CalmTensor

/// A layer or model: owns named parameters and named sub-modules.
///
/// Names are hierarchical and stable: a parameter's full name is the path of local names
/// from the root joined by "." (`llm.layers.0.attn.q.weight`), and `parameters()` lists them
/// depth-first in declaration order, so checkpoints, optimizers and the PyTorch peer agree.
/// Subclasses override `localParameters` and `children`; everything else is shared.
open class Module {
    /// Whether the module is training (dropout active) or evaluating.
    public private(set) var isTraining = true

    public init() {}

    /// This module's own parameters by local name, in a fixed order.
    open var localParameters: [(String, Variable)] { [] }

    /// Direct sub-modules by local name, in a fixed order.
    open var children: [(String, Module)] { [] }

    /// Every parameter of this module and its descendants, with its full name.
    public func parameters(prefix: String = "") -> [(name: String, variable: Variable)] {
        let own = localParameters.map { (name: prefix + $0.0, variable: $0.1) }
        return own + children.flatMap { $0.1.parameters(prefix: prefix + $0.0 + ".") }
    }

    /// Parameters by full name.
    public func parameterTable() -> [String: Variable] {
        Dictionary(uniqueKeysWithValues: parameters().map { ($0.name, $0.variable) })
    }

    /// The total number of parameter elements.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.variable.value.count } }

    /// Switches this module and its descendants to training (`true`) or evaluation mode.
    public func train(_ training: Bool = true) {
        isTraining = training
        for (_, child) in children { child.train(training) }
    }

    /// Evaluation mode: dropout off.
    public func eval() { train(false) }

    /// Freezes (`requiresGrad = false`) every parameter whose full name matches `pattern`
    /// (a glob: `*` matches any run of characters, so `vision.*` is the whole vision tower);
    /// returns how many matched.
    @discardableResult
    public func freeze(_ pattern: String) -> Int { setTrainable(false, pattern) }

    /// Unfreezes the parameters whose full name matches `pattern`; returns how many matched.
    @discardableResult
    public func unfreeze(_ pattern: String) -> Int { setTrainable(true, pattern) }

    private func setTrainable(_ trainable: Bool, _ pattern: String) -> Int {
        let matched = parameters().filter { globMatches(pattern, $0.name) }
        for p in matched { p.variable.requiresGrad = trainable }
        return matched.count
    }

    /// Forgets every parameter's accumulated gradient.
    public func zeroGrad() { for p in parameters() { p.variable.zeroGrad() } }
}

/// Whether `name` matches the glob `pattern` in which `*` stands for any run of characters.
func globMatches(_ pattern: String, _ name: String) -> Bool {
    let p = Array(pattern.utf8), s = Array(name.utf8)
    // Classic linear-time wildcard matching, remembering the last star to backtrack to.
    var (i, j, star, mark) = (0, 0, -1, 0)
    while j < s.count {
        if i < p.count && p[i] == UInt8(ascii: "*") {
            (star, mark, i) = (i, j, i + 1)
        } else if i < p.count && p[i] == s[j] {
            (i, j) = (i + 1, j + 1)
        } else if star >= 0 {
            (i, mark) = (star + 1, mark + 1)
            j = mark
        } else {
            return false
        }
    }
    while i < p.count && p[i] == UInt8(ascii: "*") { i += 1 }
    return i == p.count
}

/// The initialization scheme shared by every layer (GPT-2 / CLIP style, and what the
/// PyTorch peer uses): weights, embeddings and learned tokens normal(0, 0.02) from a seeded
/// generator; biases 0; norm weights 1 and norm biases 0. `Initializer.zeros` skips the random
/// draws (all zeros) for models whose weights are loaded next, or only counted.
public struct Initializer {
    /// Standard deviation of the normal initialization.
    public static let std = 0.02
    /// The generator of the normal draws; nil draws nothing.
    public var generator: RandomGenerator?

    /// Seeded random initialization.
    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    private init() { generator = nil }

    /// Zeros instead of random draws: fast, for weights that are loaded or counted.
    public static var zeros: Initializer { Initializer() }

    /// A trainable parameter drawn from normal(0, `std`).
    public mutating func normal(_ shape: [Int], name: String) -> Variable {
        guard generator != nil else { return .parameter(Tensor.zeros(shape), name: name) }
        return .parameter(Tensor.normal(shape, std: Self.std, using: &generator!), name: name)
    }

    /// A trainable parameter filled with `value`.
    public static func constant(_ shape: [Int], _ value: Double, name: String) -> Variable {
        .parameter(Tensor.full(shape, value), name: name)
    }

    /// A seed for a sub-generator (dropout masks).
    public mutating func nextSeed() -> UInt64 { generator?.next() ?? 0 }
}
