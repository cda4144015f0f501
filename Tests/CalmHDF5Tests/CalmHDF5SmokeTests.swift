import XCTest
@testable import CalmHDF5

final class CalmHDF5SmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(HDF5Library.version.hasPrefix("1."))
    }
}
