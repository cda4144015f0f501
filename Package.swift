// swift-tools-version:6.0
import PackageDescription

// The folder layout is the architecture: C system libraries and shims at the bottom,
// then tensor core → autodiff → (nn, models), data (hdf5, image, text), evaluation, and the CLI.
// Hot C kernels are always built optimized: they dispatch to AVX2/AVX-512 at run time.
let optimizedC: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

let package = Package(
    name: "calm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "calm", targets: ["calm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries (Debian packages named as providers).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),

        // Small C shims and kernels.
        .target(name: "CalmKernels", dependencies: ["COpenBLAS"], cSettings: optimizedC,  // attention calls BLAS
                linkerSettings: [.linkedLibrary("m")]),
        .target(name: "HDF5Shim", dependencies: ["CHDF5"], cSettings: optimizedC),
        .target(name: "ImageCodecShim", dependencies: ["CPNG", "CJPEG", "CWebP"], cSettings: optimizedC),

        // Tensor core and autodiff.
        .target(name: "CalmTensor", dependencies: ["COpenBLAS", "CalmKernels"]),
        .target(name: "CalmAutograd", dependencies: ["CalmTensor", "CalmKernels"]),

        // Layers and the CALM model (vision encoder, MFAM, Llama, generation).
        .target(name: "CalmNN", dependencies: ["CalmAutograd", "CalmTensor", "CalmHDF5"]),
        .target(name: "CalmModels", dependencies: ["CalmNN", "CalmText", .product(name: "Yams", package: "Yams")]),

        // Data: HDF5 files, images, text, shards and instruction sets.
        .target(name: "CalmHDF5", dependencies: ["CHDF5", "HDF5Shim", "CalmTensor"]),
        .target(name: "CalmImage", dependencies: ["ImageCodecShim", "CalmKernels"]),
        .target(name: "CalmText", dependencies: ["CalmTensor"]),
        // Optimized even in debug builds: its SHA-256 checksums every shard and training checkpoint
        // (unoptimized it hashes ~1 MB/s, 40 s for one calm-tiny checkpoint).
        .target(name: "CalmData", dependencies: ["CalmHDF5", "CalmImage", "CalmText"], swiftSettings: [.unsafeFlags(["-O"])]),

        // Self-supervision: attribute pseudo-labels, controlled edits, text guidance.
        .target(name: "CalmSelfSupervision", dependencies: ["CalmImage"]),

        // Data-parallel training: communicators (Open MPI loaded at run time, never required to build).
        .target(name: "CalmDistributed", dependencies: ["CalmTensor", "CalmAutograd", "CalmData"], exclude: ["README.md"]),

        // Training: recipes, stages, checkpoints, the training loop.
        .target(name: "CalmTraining", dependencies: ["CalmTensor", "CalmAutograd", "CalmKernels", "CalmHDF5", "CalmImage", "CalmData", "CalmDistributed",
                                            "CalmText", "CalmNN", "CalmModels", "CalmSelfSupervision",
                                            .product(name: "Yams", package: "Yams")]),

        // Evaluation: scoring and commenting metrics.
        .target(name: "CalmEval"),

        // The four aesthetic tasks: suggestions and their edits, simulated raters, the corpus benchmark.
        .target(name: "CalmTasks", dependencies: ["CalmImage", "CalmSelfSupervision", "CalmData", "CalmEval", "CalmHDF5",
                                              "CalmText", "CalmTensor", "CalmAutograd", "CalmModels", "CalmTraining"]),

        // The command-line tool and the benchmarks.
        .executableTarget(name: "calm", dependencies: [
            "CalmTensor",
            "CalmAutograd",
            "CalmHDF5",
            "CalmImage",
            "CalmText",
            "CalmData",
            "CalmDistributed",
            "CalmSelfSupervision",
            "CalmTraining",
            "CalmEval",
            "CalmTasks",
            "CalmNN",
            "CalmModels",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "CalmBench", dependencies: ["CalmTensor", "CalmAutograd", "CalmImage", "CalmData", "CalmSelfSupervision", "COpenBLAS",
                                                   "CalmNN", "CalmModels", "CalmTraining"],
                          path: "Benchmarks/CalmBench"),
        .executableTarget(name: "DataParallelBench", dependencies: ["CalmDistributed", "CalmAutograd", "CalmTensor", "CalmModels"],
                          path: "Benchmarks/DataParallelBench"),

        .target(name: "CalmTestSupport", path: "Tests/CalmTestSupport"),
        .testTarget(name: "CalmTensorTests", dependencies: ["CalmTensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmAutogradTests", dependencies: ["CalmAutograd", "CalmTensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmNNTests", dependencies: ["CalmNN", "CalmAutograd", "CalmTensor", "CalmHDF5"]),
        .testTarget(name: "CalmModelsTests", dependencies: ["CalmTestSupport", "CalmModels", "CalmNN", "CalmAutograd", "CalmTensor", "CalmText"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmHDF5Tests", dependencies: ["CalmHDF5", "CalmTensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmImageTests", dependencies: ["CalmImage"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmTextTests", dependencies: ["CalmText"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmTrainingTests", dependencies: ["CalmTestSupport", "CalmTraining", "CalmTensor", "CalmAutograd", "CalmHDF5", "CalmData", "CalmImage",
                                                         "CalmNN", "CalmText", "CalmModels", "CalmSelfSupervision"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmSelfSupervisionTests", dependencies: ["CalmSelfSupervision", "CalmImage"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmDataTests", dependencies: ["CalmTestSupport", "CalmData", "CalmHDF5", "CalmImage", "CalmText"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmDistributedTests", dependencies: ["CalmDistributed", "CalmAutograd", "CalmTensor", "CalmData", "CalmTraining", "CalmModels"]),
        .testTarget(name: "CalmEvalTests", dependencies: ["CalmTestSupport", "CalmEval"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CalmTasksTests", dependencies: ["CalmTasks", "CalmImage", "CalmSelfSupervision", "CalmData", "CalmEval"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
