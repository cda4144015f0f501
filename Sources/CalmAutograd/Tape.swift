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
    public func backward(seed: Tensor? = nil) {
        precondition(seed != nil || value.count == 1, "backward: from a tensor of shape \(shape) needs a seed")
        let start = seed ?? Tensor.ones(shape, dtype: dtype)
        precondition(start.shape == shape && start.dtype == dtype,
                     "backward: seed \(start.dtype)\(start.shape) for a variable \(dtype)\(shape)")
        guard let entry else { return accumulate(start) }

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

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): start]
        for v in produced {
            guard let g = grads.removeValue(forKey: ObjectIdentifier(v)) else { continue }
            let e = v.entry!
            let inputGrads = OpProfiler.measure(e.opName, backward: true) { noGrad { e.backward(g) } }
            precondition(inputGrads.count == e.inputs.count, "backward of \(e.opName): \(inputGrads.count) gradients for \(e.inputs.count) inputs")
            for (input, grad) in zip(e.inputs, inputGrads) where input.requiresGrad {
                guard let grad else { continue }
                precondition(grad.shape == input.shape, "backward of \(e.opName): gradient \(grad.shape) for input \(input.shape)")
                if input.isLeaf {
                    input.accumulate(grad)
                } else {
                    let key = ObjectIdentifier(input)
                    grads[key] = grads[key].map { $0 + grad } ?? grad
                }
            }
        }
    }

    // Leaf gradients get their own storage: a gradient tensor may be a view shared with
    // other variables' gradients, and optimizers may update `grad` in place.
    private func accumulate(_ g: Tensor) {
        guard requiresGrad else { return }
        if let grad { self.grad = grad + g } else {
            let own = Tensor(uninitialized: g.shape, dtype: g.dtype)
            g.copy(into: own)
            self.grad = own
        }
    }
}
