import XCTest
@testable import CalmImage

final class CalmImageSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(ImageCodecs.pngVersion.hasPrefix("1.6"))
    }
}
