import XCTest
@testable import CalmText

final class CalmTextSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertNotNil(CalmText.self as Any.Type)
    }
}
