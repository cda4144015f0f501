import CalmAutograd
import CalmKernels
import CalmTensor
import Foundation

/// AdamW (Loshchilov & Hutter): Adam with bias correction and weight decay decoupled from the
/// gradient, updating float32 parameters in place exactly as `torch.optim.AdamW` (foreach off):
///
///     p ← p·(1 − lr·λ);  m ← m + (1−β1)·(g − m);  v ← β2·v + (1−β2)·g²
///     p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
///
/// Only trainable parameters have state; frozen ones are never touched.
public final class AdamW {
    public struct Hyperparameters: Equatable {
        public var beta1: Double
        public var beta2: Double
        public var eps: Double
        public var weightDecay: Double

        public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) {
            (self.beta1, self.beta2, self.eps, self.weightDecay) = (beta1, beta2, eps, weightDecay)
        }
    }

    /// A parameter the optimizer updates, with its moments.
    public struct Slot {
        public let name: String
        public let variable: Variable
        /// Whether weight decay applies (false for norms, biases, embeddings... per the recipe).
        public let decays: Bool
        public var m: Tensor
        public var v: Tensor
    }

    public let hyper: Hyperparameters
    public private(set) var slots: [Slot]
    /// Updates applied so far (t in the bias corrections); skipped steps do not count.
    public var updateCount: Int

    /// An optimizer over `parameters` (name, variable, whether it decays), moments at zero.
    public init(_ parameters: [(name: String, variable: Variable, decays: Bool)], hyper: Hyperparameters) {
        self.hyper = hyper
        updateCount = 0
        slots = parameters.map { name, variable, decays in
            precondition(variable.dtype == .float32, "AdamW: parameter \(name) is \(variable.dtype), expected float32")
            return Slot(name: name, variable: variable, decays: decays,
                        m: .zeros(variable.shape), v: .zeros(variable.shape))
        }
    }

    /// Replaces the moments (from a checkpoint); every slot must be given, with its parameter's shape.
    public func restore(moments: [String: (m: Tensor, v: Tensor)], updateCount: Int) throws {
        for index in slots.indices {
            let name = slots[index].name
            guard let (m, v) = moments[name] else {
                throw TrainingError("optimizer state has no moments for \(name)")
            }
            let shape = slots[index].variable.shape
            guard m.shape == shape, v.shape == shape else {
                throw TrainingError("optimizer moments of \(name) are \(m.shape)/\(v.shape), the parameter is \(shape)")
            }
            slots[index].m = m.to(.float32).contiguous()
            slots[index].v = v.to(.float32).contiguous()
        }
        self.updateCount = updateCount
    }

    /// Applies one update with learning rate `lr` to every slot that has a gradient.
    public func step(lr: Double) {
        updateCount += 1
        let t = Double(updateCount)
        let (b1, b2) = (Float(hyper.beta1), Float(hyper.beta2))
        let stepSize = Float(lr / (1 - Foundation.pow(hyper.beta1, t)))
        let bias2Root = Float((1 - Foundation.pow(hyper.beta2, t)).squareRoot())
        let eps = Float(hyper.eps)
        let updated = slots.filter { $0.variable.grad != nil }
        for slot in updated where !slot.variable.value.isContiguous {
            // Updated in place through a raw pointer: the value must own dense memory.
            slot.variable.value = slot.variable.value.contiguous()
        }
        // Memory-bound: the slots are split across the cores (most are too small to split alone).
        let groups = Parallel.balancedGroups(updated.map(\.variable.value.count))
        Parallel.run(groups.count) { k in
            for slot in groups[k].map({ updated[$0] }) {
                let g = slot.variable.grad!.to(.float32).contiguous()
                let p = slot.variable.value.pointer(as: Float.self)
                let m = slot.m.pointer(as: Float.self), v = slot.v.pointer(as: Float.self)
                let decay = slot.decays ? Float(1 - lr * hyper.weightDecay) : 1
                // m moves by (1−β1)(g − m): torch uses lerp here, same rounding.
                calm_adamw_f32(Int64(g.count), p, m, v, g.pointer(as: Float.self), decay, b1, b2, stepSize, bias2Root, eps)
            }
        }
    }
}
