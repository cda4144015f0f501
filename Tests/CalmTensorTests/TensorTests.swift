import XCTest
@testable import CalmTensor

final class TensorTests: XCTestCase {
    func testStorageIs64ByteAligned() {
        for n in [1, 3, 17, 1000] {
            XCTAssertEqual(Int(bitPattern: Tensor.zeros([n]).storage.pointer) % 64, 0)
        }
    }

    func testCreationHelpers() {
        XCTAssertEqual(Tensor.zeros([2, 2], dtype: .int32).toArray(Int32.self), [0, 0, 0, 0])
        XCTAssertEqual(Tensor.ones([3], dtype: .uint8).toArray(UInt8.self), [1, 1, 1])
        XCTAssertEqual(Tensor.full([2], 2.5, dtype: .float64).toDoubles(), [2.5, 2.5])
        XCTAssertEqual(Tensor.arange(4, dtype: .int64).toArray(Int64.self), [0, 1, 2, 3])
        XCTAssertEqual(Tensor.scalar(3).shape, [])
        XCTAssertEqual(Tensor.scalar(3).item, 3)
    }

    func testDTypeConversions() {
        let pixels = Tensor([0, 128, 255] as [UInt8])
        XCTAssertEqual(pixels.to(.float32).toArray(Float.self), [0, 128, 255])
        XCTAssertEqual(Tensor([1.9, -1.9] as [Double]).to(.int32).toArray(Int32.self), [1, -1])
        XCTAssertEqual(Tensor([7, 8] as [Int64]).to(.float64).toDoubles(), [7, 8])
    }

    func testArgmaxAlongAnAxisTakesTheFirstOfTies() {
        let x = Tensor([1, 5, 5, 0, 2, 9, 3, 3] as [Float], shape: [2, 4])
        XCTAssertEqual(x.argmax(axis: 1).toArray(Int64.self), [1, 1])
        XCTAssertEqual(x.argmax(axis: 0).toArray(Int64.self), [1, 1, 0, 1])
        XCTAssertEqual(x.argmax(axis: -1).shape, [2])
    }

    func testIndexSelectGatherAndTheirAdjoints() {
        let table = Tensor.arange(8).reshaped([4, 2])
        let ids = Tensor([3, 0, 3] as [Int32])
        XCTAssertEqual(table.indexSelect(axis: 0, ids).toDoubles(), [6, 7, 0, 1, 6, 7])
        let acc = Tensor.zeros([4, 2])
        acc.indexAdd(axis: 0, ids, Tensor.ones([3, 2]))
        XCTAssertEqual(acc.toDoubles(), [1, 1, 0, 0, 0, 0, 2, 2])
        let picks = Tensor([1, 0, 1, 1] as [Int64], shape: [4, 1])
        XCTAssertEqual(table.gather(axis: 1, picks).toDoubles(), [1, 2, 5, 7])
        let scattered = Tensor.zeros([4, 2])
        scattered.scatterAdd(axis: 1, picks, Tensor.ones([4, 1]))
        XCTAssertEqual(scattered.toDoubles(), [0, 1, 1, 0, 0, 1, 0, 1])
    }
}
