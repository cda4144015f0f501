import XCTest
@testable import CalmAutograd
import CalmTensor

/// Properties of the NN ops that single fixture cases do not show: KV-cache decoding
/// agrees with full causal attention, rope offsets agree with slicing, dropout's mask.
final class NNOpTests: XCTestCase {
    private var rng = RandomGenerator(seed: 42)

    private func normal(_ shape: [Int]) -> Variable { Variable(Tensor.normal(shape, using: &rng)) }

    func testCausalDecodeStepMatchesLastRowOfFullAttention() {
        // GQA, 4 query heads over 2 KV heads, 70 keys: more than one 64-key block.
        let q = normal([2, 4, 70, 8]), k = normal([2, 2, 70, 8]), v = normal([2, 2, 70, 8])
        let full = q.attention(keys: k, values: v, causal: true).value
        for last in [1, 3] {
            let step = q.value.slice(axis: 2, (70 - last)..<70)
            let decoded = Variable(step).attention(keys: k, values: v, causal: true).value
            let expected = full.slice(axis: 2, (70 - last)..<70)
            XCTAssertEqual(decoded.toDoubles(), expected.toDoubles(), accuracy: 1e-5, "last \(last) queries")
        }
    }

    func testAttentionMasksBroadcast() {
        // A key-padding mask [B, 1, 1, Tk] and a 2-d [Tq, Tk] mask act like their dense expansions.
        let q = normal([2, 2, 5, 4]), k = normal([2, 2, 7, 4]), v = normal([2, 2, 7, 4])
        let padding = Tensor((0..<14).map { UInt8($0 % 7 < 5 - $0 / 7 ? 1 : 0) }, shape: [2, 1, 1, 7])
        let banded = Tensor((0..<35).map { UInt8(abs($0 / 7 - $0 % 7) <= 2 ? 1 : 0) }, shape: [5, 7])
        for mask in [padding, banded] {
            let dense = mask.reshaped([Int](repeating: 1, count: 4 - mask.rank) + mask.shape).expand(to: [2, 2, 5, 7]).contiguous()
            let broadcast = q.attention(keys: k, values: v, mask: mask).value.toDoubles()
            XCTAssertEqual(broadcast, q.attention(keys: k, values: v, mask: dense).value.toDoubles(), accuracy: 0)
        }
    }

    func testRopeOffsetMatchesSlicedPositions() {
        let x = normal([1, 2, 9, 16])
        let whole = x.rope(theta: 10_000).value.slice(axis: 2, 5..<9)
        let tail = Variable(x.value.slice(axis: 2, 5..<9)).rope(theta: 10_000, positionOffset: 5).value
        XCTAssertEqual(tail.toDoubles(), whole.toDoubles(), accuracy: 1e-5)
        // [B, T, H, D] layout through seqAxis -3 gives the same rotation.
        let headsLast = Variable(x.value.transposed(1, 2)).rope(seqAxis: -3).value.transposed(1, 2)
        XCTAssertEqual(headsLast.toDoubles(), x.rope().value.toDoubles(), accuracy: 1e-6)
    }

    func testThreadedPathsMatchSerial() {
        // Small shapes stay serial by default; thresholds of 1 force every split path.
        let x = normal([6, 2, 5]), w = normal([5]), b = normal([5])
        let q = normal([3, 4, 5, 8]), k = normal([3, 2, 7, 8]), v = normal([3, 2, 7, 6])
        let mask = Tensor((0..<(3 * 5 * 7)).map { UInt8($0 % 3 == 0 || $0 % 7 == 0 ? 1 : 0) }, shape: [3, 1, 5, 7])
        let targets = Tensor((0..<12).map { Int64($0 % 3 == 0 ? -100 : $0 % 5) }, shape: [6, 2])
        let builds: [(String, ([Variable]) -> Variable)] = [
            ("gelu", { $0[0].gelu() }), ("softmax", { $0[0].softmax() }), ("log_softmax", { $0[0].logSoftmax() }),
            ("layer_norm", { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }), ("rms_norm", { $0[0].rmsNorm(weight: $0[1]) }),
            ("cross_entropy", { $0[0].crossEntropy(targets: targets) }),
            ("attention", { $0[3].attention(keys: $0[4], values: $0[5], causal: true, mask: mask) }),
        ]
        func evaluate(_ build: ([Variable]) -> Variable) -> [[Double]] {
            let inputs = [x, w, b, q, k, v].map { Variable($0.value, requiresGrad: true) }
            let y = build(inputs)
            y.backward(seed: Tensor.ones(y.shape))
            return [y.value.toDoubles()] + inputs.map { $0.grad?.toDoubles() ?? [] }
        }
        let saved = (Parallel.minimumElements, Parallel.minimumGemmWork, Parallel.maxThreads)
        defer { (Parallel.minimumElements, Parallel.minimumGemmWork, Parallel.maxThreads) = saved }
        for (name, build) in builds {
            (Parallel.minimumElements, Parallel.minimumGemmWork, Parallel.maxThreads) = saved
            let serial = evaluate(build)
            (Parallel.minimumElements, Parallel.minimumGemmWork, Parallel.maxThreads) = (1, 1, 3)
            let threaded = evaluate(build)
            for (i, (s, t)) in zip(serial, threaded).enumerated() {
                XCTAssertEqual(t, s, accuracy: 1e-5, "\(name): \(i == 0 ? "output" : "grad of input \(i - 1)")")
            }
        }
    }

    func testIdsAndTargetsFromDataAreCheckedWithErrors() throws {
        let table = Variable(Tensor.zeros([4, 3])), logits = Variable(Tensor.zeros([3, 5]))
        XCTAssertThrowsError(try table.embedding(checking: Tensor([Int64(1), 4, 0]))) { error in
            XCTAssertEqual("\(error)", "embedding ids: value 4 at position 1 is outside [0, 4)")
        }
        XCTAssertThrowsError(try logits.crossEntropy(checking: Tensor([Int32(0), -1, 2]), ignoreIndex: -100)) { error in
            XCTAssertEqual("\(error)", "cross_entropy targets: value -1 at position 1 is outside [0, 5)")
        }
        XCTAssertEqual(try table.embedding(checking: Tensor([Int32(3), 0])).shape, [2, 3])
        XCTAssertEqual(try logits.crossEntropy(checking: Tensor([Int64(4), -100, 0])).value.item, log(5), accuracy: 1e-6)
    }

    func testCrossEntropyWithEveryTargetIgnoredIsZero() {
        // PyTorch returns NaN here; a batch whose answer tokens are all masked must not poison training.
        let logits = Variable(Tensor.normal([3, 5], using: &rng), requiresGrad: true)
        let loss = logits.crossEntropy(targets: Tensor([Int64(-100), -100, -100]))
        XCTAssertEqual(loss.value.item, 0)
        loss.backward()
        XCTAssertEqual(logits.grad?.toDoubles(), [Double](repeating: 0, count: 15))
    }

    func testDropoutKeepsAboutOneMinusPAndRescales() {
        let x = Variable(Tensor.ones([100, 100]), requiresGrad: true)
        let y = x.dropout(p: 0.3, using: &rng)
        let values = y.value.toDoubles()
        let kept = values.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / Double(values.count), 0.7, accuracy: 0.02)
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        y.sum().backward()
        XCTAssertEqual(x.grad?.toDoubles(), values, "the gradient passes through the same mask")
    }
}

/// Elementwise XCTAssertEqual with an accuracy, naming the first differing index.
func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ. \(message)", file: file, line: line)
    if let i = a.indices.first(where: { i in i < b.count && abs(a[i] - b[i]) > accuracy }) {
        XCTFail("element \(i): \(a[i]) vs \(b[i]). \(message)", file: file, line: line)
    }
}
