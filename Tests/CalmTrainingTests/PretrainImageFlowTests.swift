import CalmAutograd
import CalmSelfSupervision
import XCTest
@testable import CalmTraining

/// Issue 5 ("pretrained calm-tiny answers the same for every photo"): the pretraining batches
/// must carry the photo to the answer. On real photos, the answer's loss changes with the
/// pixels, and its gradient reaches the pixels' encoder through the routed Q-Former only.
final class PretrainImageFlowTests: XCTestCase {
    func testAnswerLossDependsOnThePixelsThroughTheRoutedGroupOnly() throws {
        let stage = try PretrainStage(recipe: try PretrainFixture.recipe())
        let photos = try stage.nextExamples().map { $0.pixels[0] }
        XCTAssertEqual(Set(photos).count, photos.count, "the batch's photos are not distinct")

        for (scale, routed) in [(Scale.low, "mfam.low."), (.middle, "mfam.middle.")] {
            let sample = try stage.encoder.sequence(question: "<image>\nHow is this photo exposed?",
                                                    answer: "The photo has a balanced exposure.", scale: scale)
            func loss(_ pixels: [Float]) throws -> Variable {
                stage.model.loss(try stage.makeBatch([PretrainExample(sample: sample, pixels: [pixels], scale: scale)]))
            }
            let losses = try photos.map { try loss($0).value.item }
            XCTAssertGreaterThan(losses.max()! - losses.min()!, 1e-6, "\(scale): the answer's loss ignores the photo: \(losses)")

            for (_, variable) in stage.parameters { variable.zeroGrad() }
            try loss(photos[0]).backward()
            for (name, variable) in stage.parameters where name.hasPrefix("mfam.") || name.hasPrefix("vision.patch_embed.") {
                let squares = variable.grad.map { $0.toDoubles().reduce(0) { $0 + $1 * $1 } } ?? 0
                if name.hasPrefix(routed) || name.hasPrefix("vision.") {
                    XCTAssertGreaterThan(squares, 0, "\(scale): no gradient reaches \(name)")
                } else {
                    XCTAssertEqual(squares, 0, "\(scale): routing leaks \(name) into the answer")
                }
            }
        }
    }
}
