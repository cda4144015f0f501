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

    func testGraphRunsInFloat64() {
        let x = Variable.parameter(Tensor([0.5, 1.5] as [Double], shape: [2]), name: "x")
        let y = x.exp().log().sum()
        XCTAssertEqual(y.dtype, .float64)
        y.backward()
        XCTAssertEqual(x.grad!.toDoubles()[0], 1, accuracy: 1e-15)
        XCTAssertEqual(x.grad!.dtype, .float64)
    }
}
