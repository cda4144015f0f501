import CalmAutograd
import CalmTensor

/// Global-norm gradient clipping over a set of parameters, as `torch.nn.utils.clip_grad_norm_`.
public enum GradientClipping {
    /// The L2 norm of all gradients together (accumulated in Double); non-finite if any gradient is.
    public static func globalNorm(_ parameters: [Variable]) -> Double {
        var sumOfSquares = 0.0
        for parameter in parameters {
            guard let grad = parameter.grad else { continue }
            let g = grad.to(.float32).contiguous()
            let values = UnsafeBufferPointer(start: g.pointer(as: Float.self), count: g.count)
            for value in values { sumOfSquares += Double(value) * Double(value) }
        }
        return sumOfSquares.squareRoot()
    }

    /// Scales every gradient by `maxNorm / (norm + 1e-6)` when `norm` exceeds `maxNorm` (0: no clipping).
    public static func clip(_ parameters: [Variable], norm: Double, maxNorm: Double) {
        guard maxNorm > 0, norm > maxNorm else { return }
        let scale = maxNorm / (norm + 1e-6)
        for parameter in parameters {
            guard let grad = parameter.grad else { continue }
            parameter.grad = grad * scale
        }
    }
}
