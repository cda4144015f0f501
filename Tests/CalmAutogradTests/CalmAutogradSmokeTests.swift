import XCTest
@testable import CalmAutograd

final class CalmAutogradSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertNotNil(CalmAutograd.self as Any.Type)
    }
}
