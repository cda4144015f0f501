@testable import CalmAutograd
import CalmTensor

/// Checks an op's backward pass against float64 central differences of
/// L(x) = sum(build(x) * cotangent), perturbing every element of every float input.
/// Returns one message per mismatching element (empty when the check passes).
func gradientCheck(_ spec: OpSpec, _ c: SpecCase, epsilon: Double = 1e-6) -> [String] {
    let inputs = c.inputs.map { $0.dtype.isFloatingPoint ? $0.to(.float64) : $0 }
    let cotangent = c.cotangent.to(.float64)
    func loss(_ values: [Tensor]) -> Double {
        noGrad { (spec.build(values.map { Variable($0) }, c.attributes).value * cotangent).sum().item }
    }

    let variables = inputs.map { Variable($0, requiresGrad: $0.dtype.isFloatingPoint) }
    spec.build(variables, c.attributes).backward(seed: cotangent)

    var failures: [String] = []
    for (i, input) in inputs.enumerated() where input.dtype.isFloatingPoint {
        guard let analytic = variables[i].grad?.toDoubles() else {
            failures.append("\(c.name): input \(i) got no gradient")
            continue
        }
        let base = input.toDoubles()
        for j in base.indices {
            var plus = base, minus = base
            plus[j] += epsilon
            minus[j] -= epsilon
            var perturbed = inputs
            perturbed[i] = Tensor(plus, shape: input.shape)
            let up = loss(perturbed)
            perturbed[i] = Tensor(minus, shape: input.shape)
            let numeric = (up - loss(perturbed)) / (2 * epsilon)
            if !spec.gradcheck.accepts(analytic[j], numeric) {
                failures.append("\(c.name): d/dinput\(i)[\(j)] analytic \(analytic[j]) vs numeric \(numeric)")
            }
        }
    }
    return failures
}

/// Compares two tensors elementwise; returns a message for the first few mismatches.
func mismatches(_ label: String, _ actual: Tensor, _ expected: Tensor, _ tolerance: Tolerance) -> [String] {
    guard actual.shape == expected.shape else { return ["\(label): shape \(actual.shape) vs expected \(expected.shape)"] }
    let a = actual.toDoubles(), e = expected.toDoubles()
    return a.indices.filter { !tolerance.accepts(a[$0], e[$0]) }.prefix(3).map { "\(label)[\($0)]: \(a[$0]) vs expected \(e[$0])" }
}

/// The names of all ops recorded on the tape behind `v`.
func recordedOps(_ v: Variable) -> Set<String> {
    var names: Set<String> = []
    var stack = [v], seen: Set<ObjectIdentifier> = []
    while let x = stack.popLast() {
        guard seen.insert(ObjectIdentifier(x)).inserted, let entry = x.entry else { continue }
        names.insert(entry.opName)
        stack.append(contentsOf: entry.inputs)
    }
    return names
}
