import ArgumentParser
import CalmHDF5
import CalmImage
import CalmTensor

/// Prints what calm runs on: the BLAS kernel and threads, library versions, the CPU code path.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the libraries, BLAS kernel and CPU code path in use.")

    func run() throws {
        let rows: [(String, String)] = [
            ("calm", Calm.version),
            ("blas core", BLAS.coreName),
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
