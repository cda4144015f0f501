import ArgumentParser
import Foundation
import CalmHDF5
import CalmImage
import CalmTensor

/// Prints what calm runs on: the BLAS kernel and threads, library versions, the CPU code path.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the libraries, BLAS kernel and CPU code path in use.")

    /// A forced kernel is a common slowdown: on Zen 4 the Haswell override (some machines set it
    /// for large products) ran calm-tiny's training step 1.55x slower than OpenBLAS's own choice.
    private var forcedCoreNote: String {
        guard let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !forced.isEmpty else { return "" }
        return " (forced by OPENBLAS_CORETYPE=\(forced); unset it to let OpenBLAS choose, usually faster for calm)"
    }

    func run() throws {
        let rows: [(String, String)] = [
            ("calm", Calm.version),
            ("blas core", BLAS.coreName + forcedCoreNote),
            ("blas threads", String(BLAS.threads)),
            ("blas config", BLAS.config),
            ("cpu kernels", CPU.kernelISA + (CPU.kernelISA == "baseline" ? " (no CPU-specific path active)" : " (CPU-specific path active)")),
            ("hdf5", HDF5Library.version),
            ("libpng", ImageCodecs.pngVersion),
            ("libjpeg", ImageCodecs.jpegVersion),
            ("libwebp", ImageCodecs.webpVersion),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows {
            print(key + String(repeating: " ", count: width - key.count + 2) + value)
        }
    }
}
