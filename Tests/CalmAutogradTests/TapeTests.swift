import XCTest
@testable import CalmAutograd
import CalmTensor

/// The tape's bookkeeping: accumulation, reuse, frozen leaves, noGrad, repeated backward.
final class TapeTests: XCTestCase {
    private func parameter(_ values: [Double], _ shape: [Int], _ name: String = "p") -> Variable {
        Variable.parameter(Tensor(values, shape: shape), name: name)
    }

    func testReusedVariableSumsGradientsOfAllUses() {
        // y = x*x + x  →  dy/dx = 2x + 1, with x used three times (diamond).
        let x = parameter([1, -2, 3], [3])
        (x * x + x).sum().backward()
        XCTAssertEqual(x.grad?.toDoubles(), [3, -3, 7])
    }

    func testGradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        let x = parameter([1, 2], [2])
        let y = (x * 3).sum()
        y.backward()
        y.backward()
        XCTAssertEqual(x.grad?.toDoubles(), [6, 6])
        x.zeroGrad()
        XCTAssertNil(x.grad)
        (x * 5).sum().backward()
        XCTAssertEqual(x.grad?.toDoubles(), [5, 5])
    }

    func testFrozenParameterAndConstantsGetNoGradient() {
        let w = parameter([1, 2], [2], "w"), frozen = parameter([3, 4], [2], "frozen")
        frozen.requiresGrad = false
        let constant = Variable(Tensor([5.0, 6], shape: [2]))
        (w * frozen * constant).sum().backward()
        XCTAssertEqual(w.grad?.toDoubles(), [15, 24])
        XCTAssertNil(frozen.grad)
        XCTAssertNil(constant.grad)
    }

    func testNoGradRecordsNothing() {
        let x = parameter([1, 2], [2])
        let y = noGrad { (x * 2).sum() }
        XCTAssertTrue(y.isLeaf)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(GradMode.isEnabled, "noGrad must restore recording on exit")
        XCTAssertEqual(((x * 2).sum()).opName, "sum")
    }

    func testLeafGradientOwnsItsStorage() {
        // Both inputs of an add receive the same gradient tensor; their grads must not alias.
        let a = parameter([1, 2], [2], "a"), b = parameter([3, 4], [2], "b")
        (a + b).backward(seed: Tensor([1.0, 1], shape: [2]))
        XCTAssertFalse(a.grad!.storage === b.grad!.storage)
    }

    /// The gradient-final hook: once per reachable leaf, after its last contribution, newest
    /// last use first. `shared` is used by two layers, `frozen` and `unused` must never fire.
    func testGradientFinalHookFiresOnceWithTheFinalGradient() {
        func values(_ n: Int, _ offset: Double) -> [Double] { (0..<n).map { sin(Double($0) + offset) } }
        let x = Variable(Tensor(values(6, 0), shape: [2, 3]))
        let w1 = parameter(values(12, 1), [3, 4], "w1"), w2 = parameter(values(16, 2), [4, 4], "w2")
        let shared = parameter(values(8, 3), [2, 4], "shared"), w3 = parameter(values(4, 4), [4, 1], "w3")
        let frozen = parameter(values(2, 5), [2, 1], "frozen"), unused = parameter([1], [1], "unused")
        frozen.requiresGrad = false
        let hidden = (x.matmul(w1) + shared).tanh()
        let loss = ((hidden.matmul(w2) + shared).tanh().matmul(w3) * frozen).sum()

        var fired: [(leaf: Variable, grad: [Double]?)] = []
        loss.backward { fired.append(($0, $0.grad?.toDoubles())) }
        let leaves = [w1, w2, shared, w3]
        XCTAssertEqual(Set(fired.map { ObjectIdentifier($0.leaf) }), Set(leaves.map(ObjectIdentifier.init)))
        XCTAssertEqual(fired.count, leaves.count, "a leaf fired more than once")
        for (leaf, grad) in fired {
            XCTAssertEqual(grad, leaf.grad?.toDoubles(), "\(leaf.name ?? "?") was not final when reported")
        }
        // Reverse topological order: a leaf fires after every leaf whose last use is newer.
        XCTAssertEqual(fired.map { $0.leaf.name ?? "?" }, ["w3", "w2", "shared", "w1"])

        // A leaf backward starts from fires too; a second backward accumulates, then fires again.
        var again: [String] = []
        unused.backward(seed: Tensor([2.0], shape: [1])) { again.append($0.name ?? "?") }
        loss.backward { if $0 === w1 { again.append("w1") } }
        XCTAssertEqual(again, ["unused", "w1"])
        XCTAssertEqual(unused.grad?.toDoubles(), [2])
    }

    func testGraphRunsInFloat64() {
        let x = Variable.parameter(Tensor([0.5, 1.5] as [Double], shape: [2]), name: "x")
        let y = x.exp().log().sum()
        XCTAssertEqual(y.dtype, .float64)
        y.backward()
        XCTAssertEqual(x.grad!.toDoubles()[0], 1, accuracy: 1e-15)
        XCTAssertEqual(x.grad!.dtype, .float64)
    }
}
