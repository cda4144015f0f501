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

    func testViewsShareStorageAndCopyOnlyWhenNeeded() {
        let x = Tensor.arange(12).reshaped([3, 4])
        XCTAssertTrue(x.reshaped([2, 6]).storage === x.storage)
        XCTAssertTrue(x.transposed().storage === x.storage)
        XCTAssertTrue(x.slice(axis: 1, 1..<3).storage === x.storage)
        XCTAssertTrue(x.contiguous().storage === x.storage)
        XCTAssertFalse(x.transposed().contiguous().storage === x.storage)
        XCTAssertNil(x.transposed().view([12]), "a transposed matrix cannot be flattened without a copy")
        XCTAssertEqual(x.transposed().reshaped([12]).toDoubles(), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        // Splitting a dimension of a transposed view needs no copy.
        XCTAssertTrue(x.transposed().view([2, 2, 3])?.storage === x.storage)
    }

    func testSliceUnsqueezeSqueezeAndCat() {
        let x = Tensor.arange(6).reshaped([2, 3])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).toDoubles(), [1, 2, 4, 5])
        XCTAssertEqual(x.unsqueezed(1).shape, [2, 1, 3])
        XCTAssertEqual(x.unsqueezed(-1).shape, [2, 3, 1])
        XCTAssertEqual(x.unsqueezed(0).squeezed(0).shape, [2, 3])
        let joined = Tensor.cat([x, x.slice(axis: 1, 0..<1)], axis: 1)
        XCTAssertEqual(joined.toDoubles(), [0, 1, 2, 0, 3, 4, 5, 3])
        XCTAssertEqual(joined.split([3, 1], axis: 1).map(\.shape), [[2, 3], [2, 1]])
    }
}
