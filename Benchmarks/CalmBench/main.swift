import CalmTensor

// Benchmarks are filled in by the issues that own each hot path.
print("blas core: \(BLAS.coreName)")
for (name, rate) in try pseudoLabelRates() {
    print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%7.1f images/s  (%.1f ms per 8)", rate, 8000 / rate))
}
