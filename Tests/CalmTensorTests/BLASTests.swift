import XCTest
@testable import CalmTensor

final class BLASTests: XCTestCase {
    func testOpenBLASReportsAKnownCore() {
        XCTAssertFalse(BLAS.coreName.isEmpty)
        XCTAssertGreaterThanOrEqual(BLAS.threads, 1)
        XCTAssertTrue(["avx512f", "avx2", "baseline"].contains(CPU.kernelISA))
    }
}
