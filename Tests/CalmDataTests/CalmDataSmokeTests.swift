import XCTest
@testable import CalmData

final class CalmDataSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertNotNil(CalmData.self as Any.Type)
    }
}
