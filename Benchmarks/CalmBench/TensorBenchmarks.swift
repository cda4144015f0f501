import CalmAutograd
import CalmTensor
import COpenBLAS

/// sgemm through `Tensor.matmul` against raw `cblas_sgemm` on the same square sizes.
let matmulBenchmark = Benchmark(name: "matmul") {
    var rng = RandomGenerator(seed: 1)
    var results: [BenchResult] = []
    for n in [512, 1024, 2048] {
        let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng)
        let c = Tensor.zeros([n, n])
        let flop = 2 * Double(n) * Double(n) * Double(n)
        let repeats = n >= 2048 ? 3 : 7
        for threads in [1, 2] {
            BLAS.threads = threads
            let t = secondsPerCall(repeats: repeats, [
                {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                                a.pointer(as: Float.self), Int32(n), b.pointer(as: Float.self), Int32(n),
                                0, c.pointer(as: Float.self), Int32(n))
                },
                { _ = a.matmul(b) },
                { _ = a.matmul(b.transposed()) },
            ])
            let (raw, api, apiT) = (t[0], t[1], t[2])
            results.append(BenchResult(name: "sgemm Tensor.matmul", threads: threads, size: "\(n)²", unit: "GFLOP/s",
                                       value: flop / api / 1e9, baseline: flop / raw / 1e9, baselineName: "cblas"))
            results.append(BenchResult(name: "sgemm Tensor.matmul(bᵀ view)", threads: threads, size: "\(n)²", unit: "GFLOP/s",
                                       value: flop / apiT / 1e9, baseline: flop / raw / 1e9, baselineName: "cblas"))
        }
    }
    // Attention-sized batches: 32 products of 64×64 by 64×64 against a loop of raw calls.
    let (batch, d) = (32, 64)
    let qa = Tensor.normal([batch, d, d], using: &rng), kb = Tensor.normal([batch, d, d], using: &rng)
    let out = Tensor.zeros([batch, d, d])
    let flop = 2 * Double(batch * d * d * d)
    for threads in [1, 2] {
        BLAS.threads = threads
        let saved = Parallel.maxThreads
        Parallel.maxThreads = threads
        let t = secondsPerCall(repeats: 50, [
            {
                for i in 0..<batch {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1,
                                qa.pointer(as: Float.self) + i * d * d, Int32(d), kb.pointer(as: Float.self) + i * d * d, Int32(d),
                                0, out.pointer(as: Float.self) + i * d * d, Int32(d))
                }
            },
            { _ = qa.matmul(kb) },
        ])
        Parallel.maxThreads = saved
        results.append(BenchResult(name: "bmm Tensor.matmul", threads: threads, size: "\(batch)×\(d)³", unit: "GFLOP/s",
                                   value: flop / t[1] / 1e9, baseline: flop / t[0] / 1e9, baselineName: "cblas loop"))
    }
    BLAS.threads = 1
    return results
}

/// Memory throughput of elementwise add/mul and a full sum, in GB/s of bytes read and written.
let elementwiseBenchmark = Benchmark(name: "elementwise") {
    var rng = RandomGenerator(seed: 2)
    let n = 1 << 22
    let a = Tensor.normal([n], using: &rng), b = Tensor.normal([n], using: &rng)
    let bytes = Double(n * 4)
    let saved = Parallel.maxThreads
    defer { Parallel.maxThreads = saved }
    var results: [BenchResult] = []
    for threads in [1, 2] {
        Parallel.maxThreads = threads
        let cases: [(String, Double, () -> Void)] = [
            ("add", 3 * bytes, { _ = a + b }),
            ("mul", 3 * bytes, { _ = a * b }),
            ("add (broadcast row)", 2 * bytes, { _ = a.reshaped([n / 1024, 1024]) + b.slice(axis: 0, 0..<1024) }),
            ("exp", 2 * bytes, { _ = a.exp() }),
            ("tanh", 2 * bytes, { _ = a.tanh() }),
            ("sum (all)", bytes, { _ = a.sum() }),
            ("sum (last axis)", bytes, { _ = a.reshaped([n / 1024, 1024]).sum(axes: [1]) }),
        ]
        for (name, moved, body) in cases {
            let t = secondsPerCall(repeats: 21, [body])[0]
            results.append(BenchResult(name: name, threads: threads, size: "\(n) f32", unit: "GB/s", value: moved / t / 1e9))
        }
    }
    return results
}

/// Fixed cost of one op on a tiny tensor (allocation, layout, dispatch), in microseconds,
/// through the tensor API and through autodiff with recording on.
let overheadBenchmark = Benchmark(name: "overhead") {
    let a = Tensor.ones([64]), b = Tensor.ones([64])
    let va = Variable.parameter(a, name: "a"), vb = Variable(b)
    let calls = 2000
    let t = secondsPerCall(repeats: 5, [
        { for _ in 0..<calls { _ = a + b } },
        { for _ in 0..<calls { _ = va + vb } },
    ])
    return [BenchResult(name: "add [64] Tensor", threads: 1, size: "64 f32", unit: "µs/op", value: t[0] / Double(calls) * 1e6),
            BenchResult(name: "add [64] Variable (recorded)", threads: 1, size: "64 f32", unit: "µs/op", value: t[1] / Double(calls) * 1e6)]
}
