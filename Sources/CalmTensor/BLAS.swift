import COpenBLAS

/// The BLAS library underneath every matmul: which kernel it picked and how many threads it runs.
public enum BLAS {
    /// OpenBLAS's name for the kernel it chose on this CPU (e.g. "Cooperlake"); unknown
    /// `OPENBLAS_CORETYPE` values are ignored silently by OpenBLAS, so this is the truth.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string (version, threading model, kernel set).
    public static var config: String { String(cString: openblas_get_config()) }

    /// Threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
