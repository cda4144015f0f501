import CalmTensor
import Foundation

/// One recorded op: its inputs and the closure computing their gradients. Entries are
/// numbered in recording order; backward replays them in reverse order of that number.
final class TapeEntry {
    let sequence: Int
    let opName: String
    let inputs: [Variable]
    let backward: (Tensor) -> [Tensor?]

    init(opName: String, inputs: [Variable], backward: @escaping (Tensor) -> [Tensor?]) {
        self.sequence = TapeEntry.nextSequence()
        self.opName = opName
        self.inputs = inputs
        self.backward = backward
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0
    private static func nextSequence() -> Int {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        return counter
    }
}

extension Variable {
    /// Back-propagates from this variable: adds d(self)/d(leaf) (times `seed`, which
    /// defaults to 1 and is required unless self has one element) into `grad` of every leaf
    /// that requires a gradient. The graph is kept, so backward may run again.
    ///
    /// `onGradientFinal`, when given, is called once for every leaf that requires a gradient
    /// and is an input of some tape entry reachable from self (or is self), as soon as no
    /// entry left to replay can add to its `grad`: the leaf's `grad` then holds its value at
    /// the end of this backward (nil when every contribution was nil and it had none before).
    /// Leaves reached by no entry are never called. Calls follow the reverse recording order
    /// of the entries that last used each leaf. Data-parallel training uses it to start
    /// sending finished gradients while backward computes the rest.
    ///
    /// With `sink`, leaf gradients go there instead of into `grad`, so that backward passes over
    /// the same parameters may run concurrently (one sink each) and be summed afterwards; it
    /// excludes `onGradientFinal`, which reads `grad`.
    public func backward(seed: Tensor? = nil, into sink: LeafGradients? = nil, onGradientFinal: ((Variable) -> Void)? = nil) {
        precondition(sink == nil || onGradientFinal == nil, "backward: onGradientFinal reads grad, which a sink leaves alone")
        precondition(seed != nil || value.count == 1, "backward: from a tensor of shape \(shape) needs a seed")
        let start = seed ?? Tensor.ones(shape, dtype: dtype)
        precondition(start.shape == shape && start.dtype == dtype,
                     "backward: seed \(start.dtype)\(start.shape) for a variable \(dtype)\(shape)")
        let addToLeaf = sink.map { sink in { (leaf: Variable, g: Tensor) in sink.add(g, to: leaf) } } ?? { $0.accumulate($1) }
        guard entry != nil else {
            addToLeaf(self, start)
            if requiresGrad { onGradientFinal?(self) }
            return
        }

        // Every variable reachable through tape entries, replayed newest first.
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        var stack: [Variable] = [self]
        var produced: [Variable] = []
        while let v = stack.popLast() {
            guard let e = v.entry else { continue }
            produced.append(v)
            for input in e.inputs where input.requiresGrad && visited.insert(ObjectIdentifier(input)).inserted {
                stack.append(input)
            }
        }
        produced.sort { $0.entry!.sequence > $1.entry!.sequence }
        var pending = onGradientFinal.map { _ in PendingLeafGradients(produced) }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): start]
        for v in produced {
            let e = v.entry!
            // Runs after this entry's contributions (if any) are in place, also when it has none.
            defer { if let onGradientFinal { pending?.consume(e, onGradientFinal) } }
            guard let g = grads.removeValue(forKey: ObjectIdentifier(v)) else { continue }
            let inputGrads = OpProfiler.measure(e.opName, backward: true) { noGrad { e.backward(g) } }
            precondition(inputGrads.count == e.inputs.count, "backward of \(e.opName): \(inputGrads.count) gradients for \(e.inputs.count) inputs")
            for (input, grad) in zip(e.inputs, inputGrads) where input.requiresGrad {
                guard let grad else { continue }
                precondition(grad.shape == input.shape, "backward of \(e.opName): gradient \(grad.shape) for input \(input.shape)")
                if input.isLeaf {
                    addToLeaf(input, grad)
                } else {
                    let key = ObjectIdentifier(input)
                    grads[key] = grads[key].map { $0 + grad } ?? grad
                }
            }
        }
    }

    // Leaf gradients get their own storage: a gradient tensor may be a view shared with
    // other variables' gradients, and optimizers may update `grad` in place.
    fileprivate func accumulate(_ g: Tensor) {
        guard requiresGrad else { return }
        grad = grad.map { $0 + g } ?? g.ownedCopy()
    }
}

extension Tensor {
    fileprivate func ownedCopy() -> Tensor {
        let own = Tensor(uninitialized: shape, dtype: dtype)
        copy(into: own)
        return own
    }
}

/// The leaf gradients of one or more backward passes kept apart from the leaves' `grad`:
/// concurrent backward passes over shards of a batch each fill their own sink, and the sinks
/// are added into `grad` afterwards in a fixed order, so the sum is the same on every run.
public final class LeafGradients {
    private var gradients: [ObjectIdentifier: (leaf: Variable, grad: Tensor)] = [:]

    public init() {}

    // Held gradients are never written to, so they need no storage of their own until a leaf takes one.
    fileprivate func add(_ g: Tensor, to leaf: Variable) {
        guard leaf.requiresGrad else { return }
        let key = ObjectIdentifier(leaf)
        gradients[key] = (leaf, gradients[key].map { $0.grad + g } ?? g)
    }

    /// Adds every gradient held into its leaf's `grad` (in place: a leaf's `grad` is its own) and
    /// empties the sink. The leaves are split across the cores in groups of about equal size, one
    /// thread each: most gradients are too small for the kernels to split, and this step is
    /// serial time between the shards' backward passes and the optimizer.
    public func addToLeaves() {
        let entries = Array(gradients.values), groups = Parallel.balancedGroups(entries.map(\.grad.count))
        Parallel.run(groups.count) { k in
            Parallel.withThreads(1) {
                for (leaf, g) in groups[k].map({ entries[$0] }) {
                    if let grad = leaf.grad { Tensor.binary(.add, grad, g, into: grad) } else { leaf.grad = g.ownedCopy() }
                }
            }
        }
        gradients = [:]
    }
}

/// How many replayed tape entries may still add to each leaf's gradient: a leaf is final
/// once every entry using it (once per use: `x * x` counts twice) has been replayed.
private struct PendingLeafGradients {
    private var uses: [ObjectIdentifier: Int] = [:]

    init(_ produced: [Variable]) {
        for v in produced {
            for input in v.entry!.inputs where input.requiresGrad && input.isLeaf {
                uses[ObjectIdentifier(input), default: 0] += 1
            }
        }
    }

    /// Counts `entry` as replayed and reports the leaves it was the last user of.
    mutating func consume(_ entry: TapeEntry, _ onGradientFinal: (Variable) -> Void) {
        for input in entry.inputs where input.requiresGrad && input.isLeaf {
            let key = ObjectIdentifier(input)
            let left = uses[key]! - 1
            uses[key] = left
            if left == 0 { onGradientFinal(input) }
        }
    }
}
