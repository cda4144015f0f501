import CalmAutograd
import CalmData
import CalmSelfSupervision
import CalmTensor
import Foundation
import XCTest
@testable import CalmTraining

final class VisionWarmupStageTests: XCTestCase {
    /// The pretrain fixture as a vision warm-up over two low-scale attributes (5 and 4 levels)
    /// and one middle-scale attribute (3 levels).
    func recipe(_ overrides: [String] = []) throws -> Recipe {
        try PretrainFixture.recipe(["stage=vision", "pretrain.attributes=[exposure, sharpness, tilt]",
                                    "pretrain.focused_questions=1.0", "train.batch_size=6"] + overrides)
    }

    func testEachSampleIsScoredOnlyAmongItsAttributesLevels() throws {
        let stage = try VisionWarmupStage(recipe: try recipe())
        // Zero heads give uniform logits: each sample's loss is then log(its attribute's level
        // count), not log(all 12 classes), when the other attributes' classes are masked out.
        for (name, variable) in stage.parameters where name.hasPrefix("warmup.") { variable.value = .zeros(variable.shape) }
        var random = RandomGenerator(seed: 0)
        let loss = try stage.nextMicroBatch(random: &random).loss.value.item
        XCTAssertGreaterThan(loss, log(3.0) - 1e-4)
        XCTAssertLessThan(loss, log(5.0) + 1e-4)
        XCTAssertEqual(stage.attributes, [.exposure, .sharpness, .tilt])
    }

    func testEvaluationScoresTheHeldOutPhotosAsMeasured() throws {
        let folder = PretrainFixture.folder.path
        let recipe = try Recipe.parse(yaml: """
            stage: vision
            model: {config: \(folder)/mini.yaml}
            data:
              sources:
                photos: {kind: shards, path: \(folder)/shards}
                heldout: {kind: shards, path: \(folder)/shards}
              workers: 1
            pretrain: {attributes: [exposure, sharpness, tilt, preference], focused_questions: 1.0}
            train: {max_steps: 1, batch_size: 3}
            optimizer: {lr: 1.0e-3}
            run: {dir: \(folder)/run-\(UUID().uuidString)}
            """, file: "vision.yaml")
        let stage = try VisionWarmupStage(recipe: recipe)
        // Heads that always name an attribute's second level: its accuracy is then the share of
        // photos measured at that level (for a pair judgement: of held-out pairs).
        let heads = Dictionary(uniqueKeysWithValues: stage.parameters.map { ($0.name, $0.variable) })
        for name in ["warmup.low_heads.weight", "warmup.middle_heads.weight"] { heads[name]!.value = .zeros(heads[name]!.shape) }
        heads["warmup.low_heads.bias"]!.value = Tensor([0, 1, 0, 0, 0] + [0, 1, 0, 0] as [Float], shape: [9])
        heads["warmup.middle_heads.bias"]!.value = Tensor([0, 1, 0] as [Float], shape: [3])
        heads["warmup.pair_heads.weight"]!.value = .zeros(heads["warmup.pair_heads.weight"]!.shape)
        heads["warmup.pair_heads.bias"]!.value = Tensor([0, 1] as [Float], shape: [2])
        let results = try stage.evaluate()
        let generator = PretrainSampleGenerator(longSide: 32, attributes: [.exposure, .sharpness, .tilt, .preference], focusedShare: 1)
        let shards = try ShardSet(folder: folder + "/shards")
        let records = try shards.counts.indices.flatMap { shard in try (0..<shards.counts[shard]).map { try shards.sample(shard: shard, row: $0) } }
        let photos = try records.map { try $0.decodedImage() }
        XCTAssertEqual(photos.count, 4)
        for attribute in [Attribute.exposure, .sharpness, .tilt] {
            let measured = photos.map { ImageAttributes.level(attribute, of: WorkingImage(generator.workingSquare($0), longSide: 32))! }
            let share = Double(measured.filter { $0 == attribute.levels[1] }.count) / 4
            XCTAssertEqual(results["\(attribute.rawValue).accuracy"]!, share, accuracy: 1e-9, attribute.rawValue)
            XCTAssertEqual(results["\(attribute.rawValue).balanced"]!, (share > 0 ? 1 : 0) / Double(Set(measured).count), accuracy: 1e-9)
        }
        let preferred = try records.map { generator.sample(image: try $0.decodedImage(), id: $0.id, epoch: 0, scale: .high).targets[.preference]! }
        XCTAssertEqual(results["preference.accuracy"]!, Double(preferred.filter { $0 == "second" }.count) / 4, accuracy: 1e-9)
        XCTAssertEqual(results.count, 8)
    }

    /// The middle-scale heads read the tap's patch tokens averaged per grid cell; a grid that
    /// does not divide the patches per side is an error naming the key.
    func testMiddleHeadsReadTheTapPooledOverAGrid() throws {
        // One image, 4×4 patches whose single feature is the patch's index, after a class token of -1.
        let tap = Variable(Tensor([-1] + (0..<16).map(Float.init), shape: [1, 17, 1]))
        XCTAssertEqual(VisionWarmupStage.gridPooled(tap, side: 4, grid: 2).value.toArray(Float.self), [2.5, 4.5, 10.5, 12.5])
        XCTAssertEqual(VisionWarmupStage.gridPooled(tap, side: 4, grid: 1).value.toArray(Float.self), [119.0 / 17])
        XCTAssertEqual(VisionWarmupStage.gridPooled(tap, side: 4, grid: 4).value.toArray(Float.self), (0..<16).map(Float.init))

        let stage = try VisionWarmupStage(recipe: try recipe(["warmup.middle_grid=2"]))
        let parameters = Dictionary(uniqueKeysWithValues: stage.parameters.map { ($0.name, $0.variable) })
        XCTAssertEqual(parameters["warmup.middle_heads.weight"]?.shape, [3, 4 * 32])
        XCTAssertEqual(parameters["warmup.low_heads.weight"]?.shape, [9, 32])
        XCTAssertThrowsError(try VisionWarmupStage(recipe: try recipe(["warmup.middle_grid=3"]))) { error in
            XCTAssertTrue("\(error)".contains("warmup.middle_grid"), "\(error)")
        }
    }

    func testPairJudgementsReadBothPhotosThroughTheirOwnHead() throws {
        let stage = try VisionWarmupStage(recipe: try recipe(["pretrain.attributes=[preference, edit]"]))
        let parameters = Dictionary(uniqueKeysWithValues: stage.parameters.map { ($0.name, $0.variable) })
        XCTAssertEqual(parameters["warmup.pair_heads.weight"]?.shape, [2 + 12, 2 * 32])
        XCTAssertNil(parameters["warmup.low_heads.weight"])
        for name in ["warmup.pair_heads.weight", "warmup.pair_heads.bias"] { parameters[name]!.value = .zeros(parameters[name]!.shape) }
        // Uniform logits: each pair names a preference (2 levels) and an edit (12 levels).
        var random = RandomGenerator(seed: 0)
        let batch = try stage.nextMicroBatch(random: &random)
        XCTAssertEqual(batch.loss.value.item, (log(2.0) + log(12.0)) / 2, accuracy: 1e-5)
        XCTAssertEqual(batch.images, 12)
    }

    func testTrainingLowersTheLossAndPretrainingStartsFromItsVision() throws {
        let recipe = try recipe(["train.max_steps=12", "optimizer.lr=3.0e-3", "checkpoint.every=12"])
        let stage = try VisionWarmupStage(recipe: recipe)
        let losses = try trainedLosses(recipe, stage: stage)
        XCTAssertEqual(losses.count, 12)
        XCTAssertLessThan(losses.suffix(3).reduce(0, +) / 3, losses.prefix(3).reduce(0, +) / 3)

        // The pretrain stage takes every vision.* tensor and leaves the heads behind.
        let pretrain = try PretrainStage(recipe: try PretrainFixture.recipe())
        let report = try loadWeights(from: recipe.runDirectory + "/checkpoints/latest.h5", into: pretrain.parameters)
        XCTAssertEqual(report.unused, ["warmup.low_heads.bias", "warmup.low_heads.weight", "warmup.middle_heads.bias", "warmup.middle_heads.weight"])
        let vision = Dictionary(uniqueKeysWithValues: stage.parameters.map { ($0.name, $0.variable) })
        for (name, variable) in pretrain.parameters where name.hasPrefix("vision.") {
            XCTAssert(report.loaded.contains(name), name)
            XCTAssertEqual(variable.value.toArray(Float.self), vision[name]!.value.toArray(Float.self), name)
        }
        XCTAssertFalse(report.loaded.contains { !$0.hasPrefix("vision.") })
    }
}
