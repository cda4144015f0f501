import CalmTensor

// Benchmarks are filled in by the issues that own each hot path.
print("blas core: \(BLAS.coreName)")
benchmarkNNKernels()
