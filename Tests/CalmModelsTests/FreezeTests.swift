import CalmAutograd
import CalmNN
import XCTest
@testable import CalmModels

/// The stage recipes' freezing (architecture.md §3) on the whole model.
final class FreezeTests: XCTestCase {
    func testFrozenPartsGetNoGradients() throws {
        let fixture = try MicroFixture(), model = try fixture.model()
        XCTAssertEqual(model.freeze("vision.*"), model.vision.parameters().count)
        model.freeze("llm.*")
        model.loss(try fixture.batch()).backward()
        for (name, variable) in model.parameters() {
            XCTAssertEqual(variable.grad != nil, name.hasPrefix("mfam."), name)
        }
    }
}
