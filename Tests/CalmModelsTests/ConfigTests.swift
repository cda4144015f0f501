import CalmNN
import XCTest
@testable import CalmModels

final class ConfigTests: XCTestCase {
    /// The design's parameter counts (architecture.md §5), from built models.
    func testReferenceParameterCounts() {
        XCTAssertEqual(CalmModel(.tiny, initializer: .zeros).parameterCount, 11_924_736)
        XCTAssertEqual(CalmModel(.small, initializer: .zeros).parameterCount, 70_647_040)
    }
}
