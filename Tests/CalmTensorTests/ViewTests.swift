import XCTest
@testable import CalmTensor

final class ViewTests: XCTestCase {
    private let x = Tensor((0..<24).map(Double.init), shape: [2, 3, 4])

    /// The value at a multi-index, computed from row-major positions by hand.
    private func element(_ values: [Double], _ shape: [Int], _ index: [Int]) -> Double {
        values[zip(index, Tensor.contiguousStrides(shape)).reduce(0) { $0 + $1.0 * $1.1 }]
    }

    func testPermuteMovesElements() {
        let p = x.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertFalse(p.isContiguous)
        let values = p.toDoubles(), source = x.toDoubles()
        for i in 0..<4 { for j in 0..<2 { for k in 0..<3 {
            XCTAssertEqual(element(values, p.shape, [i, j, k]), element(source, x.shape, [j, k, i]))
        } } }
    }

    func testExpandRepeatsAlongBroadcastDims() {
        let column = Tensor([1.0, 2, 3], shape: [3, 1])
        XCTAssertEqual(column.expand(to: [2, 3, 4]).toDoubles(),
                       Array(repeating: [1.0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], count: 2).flatMap { $0 })
    }
}
