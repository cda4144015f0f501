import CalmTensor
import Foundation

// swift run -c release CalmBench [--json] [--only NAME[,NAME...]]
// Benchmarks are named cases; each issue that owns a hot path appends its own.
let allBenchmarks: [Benchmark] = [
    matmulBenchmark,
    elementwiseBenchmark,
    overheadBenchmark,
    nnBenchmark,
    dataReaderBenchmark,
    pseudoLabelBenchmark,
    modelBenchmark,
    pretrainStepBenchmark,
]

let arguments = CommandLine.arguments.dropFirst()
let asJSON = arguments.contains("--json")
let only = arguments.firstIndex(of: "--only").flatMap { i in
    arguments.index(after: i) < arguments.endIndex ? Set(arguments[arguments.index(after: i)].split(separator: ",").map(String.init)) : nil
}
let selected = allBenchmarks.filter { only?.contains($0.name) ?? true }
if selected.isEmpty {
    FileHandle.standardError.write("no benchmark named \(only ?? []); known: \(allBenchmarks.map(\.name))\n".data(using: .utf8)!)
    exit(2)
}

let results = selected.flatMap { $0.run() }
if asJSON {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(data: try encoder.encode(results), encoding: .utf8)!)
} else {
    print("blas core: \(BLAS.coreName), kernels: \(CPU.kernelISA)")
    printTable(results)
}
