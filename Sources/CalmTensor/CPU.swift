import CalmKernels

/// What the CPU offers the vectorized kernels, decided at run time.
public enum CPU {
    /// The instruction set the dispatched kernels use here: "avx512f", "avx2" or "baseline".
    public static var kernelISA: String { String(cString: calm_kernels_isa()) }
}
