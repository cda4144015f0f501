import COpenBLAS
import XCTest
@testable import CalmTensor

/// Elementwise, reduction and matmul kernels against float64 loops written out by hand, on
/// small shapes and on shapes large enough to take the multi-threaded paths.
final class KernelTests: XCTestCase {
    private var rng = RandomGenerator(seed: 11)
    // Lower the threading threshold so modest tensors take the multi-threaded paths.
    private let large = 4001
    private var savedThresholds = (0, 0)

    override func setUp() {
        savedThresholds = (Parallel.minimumElements, Parallel.minimumGemmWork)
        Parallel.minimumElements = 1000
        Parallel.minimumGemmWork = 1000
    }

    override func tearDown() { (Parallel.minimumElements, Parallel.minimumGemmWork) = savedThresholds }

    private func assertClose(_ a: [Double], _ b: [Double], _ tolerance: Double, _ message: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
    }

    func testBinaryOpsWithBroadcastingMatchLoops() {
        let ops: [(BinaryOp, (Double, Double) -> Double)] = [
            (.add, +), (.sub, -), (.mul, *), (.div, /), (.maximum, Swift.max), (.minimum, Swift.min),
        ]
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([4, 1], [1, 5]), ([large], [large]), ([large / 64, 64], [64])]
        for dtype in [DType.float32, .float64] {
            for (sa, sb) in shapes {
                let a = Tensor.normal(sa, dtype: dtype, using: &rng), b = Tensor.uniform(sb, low: 0.5, high: 2, dtype: dtype, using: &rng)
                let shape = Tensor.broadcastShapes(sa, sb)
                let ea = a.expand(to: shape).toDoubles(), eb = b.expand(to: shape).toDoubles()
                for (op, f) in ops {
                    assertClose(Tensor.binary(op, a, b).toDoubles(), zip(ea, eb).map(f), dtype == .float32 ? 1e-6 : 1e-15, "\(op) \(dtype) \(sa) \(sb)")
                }
            }
        }
    }

    func testUnaryOpsOnStridedViewsMatchLoops() {
        let ops: [(UnaryOp, (Double) -> Double)] = [
            (.neg, { -$0 }), (.exp, Foundation.exp), (.log, Foundation.log), (.sqrt, { $0.squareRoot() }),
            (.rsqrt, { 1 / $0.squareRoot() }), (.tanh, Foundation.tanh), (.pow(1.5), { Foundation.pow($0, 1.5) }),
            (.affine(scale: 2, shift: -1), { 2 * $0 - 1 }),
        ]
        for dtype in [DType.float32, .float64] {
            for x in [Tensor.uniform([5, 7], low: 0.5, high: 2, dtype: dtype, using: &rng).transposed(),
                      Tensor.uniform([large], low: 0.5, high: 2, dtype: dtype, using: &rng)] {
                let values = x.toDoubles()
                for (op, f) in ops {
                    assertClose(x.unary(op).toDoubles(), values.map(f), dtype == .float32 ? 1e-6 : 1e-14, "\(op) \(dtype) \(x.shape)")
                }
            }
        }
    }

    func testFloat32ExpAndTanhAcrossTheirRange() {
        // The float32 kernels use their own vectorized polynomials, not libm.
        let xs = (0...20000).map { Float(-110 + 0.01 * Double($0)) } + [0, -0.0, 1e-8, -1e-30, .infinity, -.infinity]
        let x = Tensor(xs)
        let e = x.exp().toArray(Float.self), t = x.tanh().toArray(Float.self)
        for (i, v) in xs.enumerated() {
            let exact = Foundation.exp(Double(v))
            if exact > Double(Float.greatestFiniteMagnitude) {
                XCTAssertEqual(e[i], .infinity, "exp(\(v))")
            } else if exact < Double(Float.leastNormalMagnitude) {
                XCTAssertEqual(Double(e[i]), exact, accuracy: 1e-44, "exp(\(v))")
            } else {
                XCTAssertEqual(Double(e[i]), exact, accuracy: 2e-7 * exact, "exp(\(v))")
            }
            let tanh = Foundation.tanh(Double(v))
            XCTAssertEqual(Double(t[i]), tanh, accuracy: 2e-7 * Swift.max(abs(tanh), 1e-30), "tanh(\(v))")
        }
        XCTAssertTrue(Tensor([Float.nan]).exp().toArray(Float.self)[0].isNaN)
    }

    func testInPlaceUpdateOfAView() {
        let x = Tensor.zeros([2, 3])
        let column = x.slice(axis: 1, 1..<2)
        Tensor.binary(.add, column, Tensor([1.0, 2], shape: [2, 1]).to(.float32), into: column)
        XCTAssertEqual(x.toDoubles(), [0, 1, 0, 0, 2, 0])
    }

    func testReductionsOverEveryAxisSetMatchLoops() {
        for shape in [[2, 3, 4], [large / 32, 32], [33, large / 33], [3, 40, 50]] {
            let x = Tensor.normal(shape, dtype: .float32, using: &rng)
            let values = x.toDoubles(), strides = Tensor.contiguousStrides(shape)
            let axisSets: [[Int]?] = [nil] + (0..<shape.count).map { [$0] } + (shape.count > 2 ? [[0, 2]] : [])
            for axes in axisSets {
                let reduced = Set(x.reducedAxes(axes))
                let kept = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
                let keptStrides = Tensor.contiguousStrides(kept)
                var sums = [Double](repeating: 0, count: kept.reduce(1, *)), maxima = [Double](repeating: -.infinity, count: sums.count)
                var magnitudes = sums
                for (i, v) in values.enumerated() {
                    let o = shape.indices.reduce(0) { $0 + (reduced.contains($1) ? 0 : (i / strides[$1]) % shape[$1] * keptStrides[$1]) }
                    sums[o] += v
                    magnitudes[o] += abs(v)
                    maxima[o] = Swift.max(maxima[o], v)
                }
                let label = "\(shape) axes \(String(describing: axes))"
                // float32 accumulation: the error bound scales with the sum of magnitudes.
                let got = x.sum(axes: axes, keepdim: true).toDoubles()
                for o in sums.indices {
                    XCTAssertEqual(got[o], sums[o], accuracy: 1e-6 * magnitudes[o] + 1e-6, "sum " + label)
                }
                XCTAssertEqual(x.max(axes: axes, keepdim: true).toDoubles(), maxima, "max " + label)
                XCTAssertEqual(x.sum(axes: axes).rank, shape.count - reduced.count)
            }
        }
    }

    func testTransposedViewsReachBLASAsFlagsNotCopies() {
        let x = Tensor.zeros([6, 4])
        let plain = GemmOperand(x), flipped = GemmOperand(x.transposed())
        XCTAssertEqual(plain?.trans, CblasNoTrans)
        XCTAssertEqual(plain?.ld, 4)
        XCTAssertEqual(flipped?.trans, CblasTrans)
        XCTAssertEqual(flipped?.ld, 4)
        XCTAssertTrue(flipped?.tensor.storage === x.storage)
        // A column slice keeps its row stride as the leading dimension.
        XCTAssertEqual(GemmOperand(x.slice(axis: 1, 1..<3))?.ld, 4)
        // Broadcast (stride 0) rows cannot be described to BLAS.
        XCTAssertNil(GemmOperand(Tensor.zeros([1, 4]).expand(to: [3, 4])))
    }

    func testMatmulAgreesWithLoopsForLayoutsAndBatches() {
        // (a shape, b shape, transpose a's storage, transpose b's storage)
        let cases: [([Int], [Int], Bool, Bool)] = [
            ([3, 4], [4, 5], false, false), ([3, 4], [4, 5], true, false), ([3, 4], [4, 5], false, true),
            ([3, 4], [4, 5], true, true), ([2, 3, 4], [4, 5], false, false), ([2, 3, 4], [2, 4, 5], true, true),
            ([2, 1, 3, 4], [3, 4, 2], false, false), ([1, 4], [4, 1], false, false), ([2, 3, 0], [0, 2], false, false),
            ([6, 9, 10], [6, 10, 11], false, true),  // batch·m·n·k above minimumGemmWork: one gemm per core
            // One row (decoding) goes to gemv, with b as stored and transposed.
            ([1, 4], [4, 5], false, false), ([1, 4], [4, 5], false, true), ([3, 1, 4], [3, 4, 5], true, false),
            ([1, 7], [7, 5], false, false), ([1, 7], [7, 5], true, true), ([1, 1, 7], [7, 5], false, true),
        ]
        for dtype in [DType.float32, .float64] {
            for (sa, sb, ta, tb) in cases {
                func operand(_ shape: [Int], _ transposed: Bool) -> Tensor {
                    guard transposed else { return Tensor.normal(shape, dtype: dtype, using: &rng) }
                    var swapped = shape
                    swapped.swapAt(shape.count - 1, shape.count - 2)
                    return Tensor.normal(swapped, dtype: dtype, using: &rng).transposed()
                }
                let a = operand(sa, ta), b = operand(sb, tb)
                let c = a.matmul(b)
                let m = sa[sa.count - 2], k = sa.last!, n = sb.last!
                let batch = Array(c.shape.dropLast(2))
                let ae = a.expand(to: batch + [m, k]).toDoubles(), be = b.expand(to: batch + [k, n]).toDoubles()
                var expected = [Double](repeating: 0, count: c.count)
                for p in 0..<batch.reduce(1, *) { for i in 0..<m { for j in 0..<n { for q in 0..<k {
                    expected[p * m * n + i * n + j] += ae[p * m * k + i * k + q] * be[p * k * n + q * n + j]
                } } } }
                assertClose(c.toDoubles(), expected, dtype == .float32 ? 1e-5 : 1e-13, "\(dtype) \(sa)\(ta ? "ᵀ" : "") x \(sb)\(tb ? "ᵀ" : "")")
            }
        }
    }

    /// A thread limited to one kernel thread (a concurrent batch shard's) splits no work, while
    /// other threads keep the process-wide limit.
    func testThreadLimitHoldsOnItsThreadOnly() {
        let everywhere = Swift.min(Parallel.maxThreads, 8)
        XCTAssertEqual(Parallel.chunkCount(elements: large, splittable: 8), everywhere)
        Parallel.withThreads(1) {
            XCTAssertEqual(Parallel.threads, 1)
            XCTAssertEqual(Parallel.chunkCount(elements: large, splittable: 8), 1)
            final class Answer: @unchecked Sendable { var chunks = 0 }
            let elsewhere = Answer(), done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async { [large] in elsewhere.chunks = Parallel.chunkCount(elements: large, splittable: 8); done.signal() }
            done.wait()
            XCTAssertEqual(elsewhere.chunks, everywhere)
        }
    }

    func testOneRowMatmulReadsAStridedRow() {
        // Column 1 of x as a row: its elements lie 3 apart, which gemv takes as its increment.
        let x = Tensor.normal([4, 3], dtype: .float32, using: &rng), b = Tensor.normal([4, 5], dtype: .float32, using: &rng)
        let row = x.transposed().slice(axis: 0, 1..<2)
        let xs = x.toDoubles(), bs = b.toDoubles()
        var expected = [Double](repeating: 0, count: 5)
        for j in 0..<5 { for q in 0..<4 { expected[j] += xs[q * 3 + 1] * bs[q * 5 + j] } }
        assertClose(row.matmul(b).toDoubles(), expected, 1e-5, "strided row x b")
    }
}
