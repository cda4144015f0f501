import CalmAutograd
import CalmTensor

/// (f(w + h) − f(w − h)) / 2h for the element `index` of a float64 parameter, which is restored
/// afterwards; `loss` runs without recording a graph.
func centralDifference(_ variable: Variable, at index: Int, h: Double = 1e-6, _ loss: () -> Variable) -> Double {
    let p = variable.value.pointer(as: Double.self), original = p[index]
    defer { p[index] = original }
    p[index] = original + h
    let plus = noGrad { loss().value.item }
    p[index] = original - h
    let minus = noGrad { loss().value.item }
    return (plus - minus) / (2 * h)
}
