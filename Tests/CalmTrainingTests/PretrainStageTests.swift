import CalmAutograd
import CalmData
import CalmNN
import CalmSelfSupervision
import CalmTensor
import CalmText
import XCTest
@testable import CalmModels
@testable import CalmTraining

final class PretrainStageTests: XCTestCase {
    func recipe(_ overrides: [String] = []) throws -> Recipe { try PretrainFixture.recipe(overrides) }

    func testRoutingShowsEachScaleItsOwnGroup() throws {
        let cases: [(routing: Bool, thematic: Bool, scale: Scale, visible: Set<VisualGroup>)] = [
            (true, false, .low, [.low]), (true, false, .middle, [.middle]), (true, false, .high, [.high]),
            (true, true, .middle, [.middle, .thematic]),
            (false, false, .low, Set(VisualGroup.allCases)), (false, true, .high, Set(VisualGroup.allCases)),
        ]
        for c in cases {
            let encoder = try PretrainStage(recipe: try recipe(["pretrain.routing=\(c.routing)", "pretrain.thematic_visible=\(c.thematic)"])).encoder
            XCTAssertEqual(encoder.visibleGroups(c.scale), c.visible, "\(c)")
        }
    }

    func testLossCoversTheAnswerAndItsEndOnly() throws {
        let encoder = try PretrainStage(recipe: try recipe()).encoder
        let answer = "The photo has a balanced exposure."
        let sample = try encoder.sequence(question: "<image>\nHow is this photo exposed?", answer: answer, scale: .low)
        let trained = zip(sample.ids, sample.lossMask).filter(\.1).map(\.0)
        XCTAssertEqual(trained, encoder.tokenizer.encode(answer) + [encoder.endOfTurnId])
        XCTAssertEqual(sample.ids.filter { $0 == encoder.tokenIds.image }.count, 1)

        let short = try PretrainStage(recipe: try recipe(["pretrain.text_tokens=12"])).encoder
        let cut = try short.sequence(question: "<image>\nHow is this photo exposed?", answer: answer, scale: .low)
        XCTAssertEqual(cut.ids, Array(sample.ids.prefix(12)))
    }

    func testBatchesAreDeterministicAndResumeExactly() throws {
        let first = try PretrainStage(recipe: try recipe()), second = try PretrainStage(recipe: try recipe())
        var random = RandomGenerator(seed: 0)
        let a = try first.nextMicroBatch(random: &random).loss.value.item
        let position = first.dataPosition
        let b = try first.nextMicroBatch(random: &random).loss.value.item
        XCTAssertEqual(try second.nextMicroBatch(random: &random).loss.value.item, a)
        try second.restore(dataPosition: position)
        XCTAssertEqual(try second.nextMicroBatch(random: &random).loss.value.item, b)
        // An untrained model is near uniform over its vocabulary.
        XCTAssertEqual(a, log(Double(PretrainFixture.vocabularySize)), accuracy: 0.5)
    }

    func testRoutingMasksOnlyWhenRouting() throws {
        for routing in [true, false] {
            let stage = try PretrainStage(recipe: try recipe(["pretrain.routing=\(routing)"]))
            let examples = (0..<2).map { _ in
                PretrainExample(sample: try! stage.encoder.sequence(question: "<image>\nHow is this photo composed?",
                                                                    answer: "It shows a clean, minimal scene.", scale: .middle),
                                pixels: [[Float](repeating: 0.1, count: 3 * 32 * 32)], scale: .middle)
            }
            XCTAssertEqual(try stage.makeBatch(examples).routingMask != nil, routing)
        }
    }

    /// With `pretrain.level_heads`, heads on the Q-Former tokens name the answers' levels: they join
    /// the parameters, a recipe that leaves them untrained is refused, the micro-batch loss grows by
    /// the weight times their cross-entropy (about ln 3 to ln 5 for untrained heads over clutter's
    /// three and exposure's five levels), and its gradient reaches the heads and the Q-Formers.
    func testLevelHeadsAddTheirWeightedCrossEntropy() throws {
        let attributes = "pretrain.attributes=[exposure, clutter]"  // low- and middle-scale samples only
        XCTAssertThrowsError(try PretrainStage(recipe: try recipe([attributes, "pretrain.level_heads=1", #"train.trainable=["mfam.*"]"#]))) {
            XCTAssertTrue("\($0)".contains("level_heads.*"), "\($0)")
        }
        func firstLoss(_ weight: Double) throws -> (stage: PretrainStage, loss: Variable) {
            let stage = try PretrainStage(recipe: try recipe([attributes, "pretrain.level_heads=\(weight)", "train.batch_size=8"]))
            var random = RandomGenerator(seed: 0)
            return (stage, try stage.nextMicroBatch(random: &random).loss)
        }
        let plain = try firstLoss(0).loss.value.item, (stage, loss) = try firstLoss(0.5), whole = try firstLoss(1).loss.value.item
        XCTAssertEqual(stage.parameters.map(\.name).filter { $0.hasPrefix("level_heads.") },
                       ["level_heads.low.weight", "level_heads.low.bias", "level_heads.middle.weight", "level_heads.middle.bias"])
        XCTAssertTrue((log(3) - 0.3)...(log(5) + 0.3) ~= whole - plain, "the heads' cross-entropy: \(whole - plain)")
        XCTAssertEqual(loss.value.item - plain, 0.5 * (whole - plain), accuracy: 1e-4)

        loss.backward()
        for name in ["level_heads.low.weight", "level_heads.middle.weight", "mfam.low.proj.weight", "mfam.middle.proj.weight"] {
            let squares = stage.parameters.first { $0.name == name }!.variable.grad.map { $0.toDoubles().reduce(0) { $0 + $1 * $1 } } ?? 0
            XCTAssertGreaterThan(squares, 0, "no gradient reaches \(name)")
        }
    }

    /// `LevelBalance` weighs a level by 1 / (K·p), p its add-one smoothed share, at most 4.
    func testLevelWeightsAreInverseSmoothedFrequencies() {
        let balance = LevelBalance(counts: [.clutter: [6, 2, 0], .tilt: [100, 0, 0]])
        let clutter = balance.weights[.clutter]!, tilt = balance.weights[.tilt]!
        for (weight, expected) in zip(clutter, [11.0 / 21, 11.0 / 9, 11.0 / 3]) { XCTAssertEqual(weight, expected, accuracy: 1e-12) }
        XCTAssertEqual(tilt[0], 103.0 / 303, accuracy: 1e-12)
        XCTAssertEqual(Array(tilt[1...]), [4, 4], "capped at LevelBalance.maxWeight")
    }

    /// With `pretrain.balance_levels`, the stage measures each attribute's levels on the recipe's
    /// photos (every record of the four-photo fixture, `LevelBalance.epochs` samples each), shows
    /// them before training, and weighs each answer naming one attribute by its level's weight.
    func testBalancedLevelsWeighEachAnswerByItsLevel() throws {
        let overrides = ["pretrain.attributes=[exposure, clutter]", "pretrain.focused_questions=1", "train.batch_size=8"]
        XCTAssertNil(try PretrainStage(recipe: try recipe(overrides)).levelBalance)
        let stage = try PretrainStage(recipe: try recipe(overrides + ["pretrain.balance_levels=true"]))
        let balance = try XCTUnwrap(stage.levelBalance)
        XCTAssertEqual(balance.counts.mapValues { $0.reduce(0, +) }, [.exposure: 4 * LevelBalance.epochs, .clutter: 4 * LevelBalance.epochs])
        XCTAssertTrue(stage.notes.contains { $0.contains("clutter: minimal") }, "\(stage.notes)")
        let examples = try stage.nextExamples()
        for example in examples {
            let (attribute, level) = try XCTUnwrap(example.levels.first)
            XCTAssertEqual(example.levels.count, 1)
            XCTAssertEqual(example.sample.lossWeight, balance.weights[attribute]![level])
        }
        XCTAssertTrue(examples.contains { $0.sample.lossWeight != 1 }, "eight answers, all of weight 1")
    }

    /// With level heads and a `heldout` source, evaluation scores every held-out photo's measured
    /// levels against those the heads name: heads that name one clutter level whatever the tokens
    /// are right on exactly that level's photos, so the three levels' accuracies add up to 1.
    /// Without a held-out source there is nothing to evaluate.
    func testLevelHeadsAreEvaluatedOnTheHeldOutPhotos() throws {
        let overrides = ["pretrain.attributes=[exposure, clutter]", "pretrain.level_heads=1"]
        XCTAssertTrue(try PretrainStage(recipe: try recipe(overrides)).evaluate().isEmpty)
        let heldout = ["data.sources.heldout.kind=shards", "data.sources.heldout.path=\(PretrainFixture.folder.path)/shards"]
        let accuracies = try Attribute.clutter.levels.indices.map { level -> Double in
            let stage = try PretrainStage(recipe: try recipe(overrides + heldout))
            let parameters = Dictionary(uniqueKeysWithValues: stage.parameters)
            let weight = parameters["level_heads.middle.weight"]!, bias = parameters["level_heads.middle.bias"]!
            weight.value = .zeros(weight.shape)
            bias.value = Tensor(Attribute.clutter.levels.indices.map { $0 == level ? Float(1) : 0 }, shape: bias.shape)
            let metrics = try stage.evaluate()
            XCTAssertEqual(Set(metrics.keys), ["exposure.accuracy", "exposure.balanced", "clutter.accuracy", "clutter.balanced"])
            return metrics["clutter.accuracy"]!
        }
        XCTAssertEqual(accuracies.reduce(0, +), 1, accuracy: 1e-9, "\(accuracies)")
    }

    /// `model.language_weights` takes a `calm import` file whose vocabulary lacks calm's special
    /// tokens (as SmolLM2's does): every `llm.*` tensor is the file's, and the added rows of the
    /// embedding and the output head are the mean of their rows.
    func testLanguageWeightsFromAnImportGrowTheVocabulary() throws {
        let base = PretrainFixture.vocabularySize - CalmTokens.all.count, width = 32
        let json = #"{"vocabularySize":\#(base),"width":\#(width),"depth":1,"heads":2,"kvHeads":2,"mlpHidden":64,"#
            + #""normEps":1e-05,"ropeTheta":10000,"tiedEmbeddings":false}"#
        let config = try JSONDecoder().decode(LanguageConfig.self, from: Data(json.utf8))
        var initializer = Initializer(seed: 5)
        let imported = Dictionary(uniqueKeysWithValues: Llama(config, using: &initializer).parameters().map { ("llm." + $0.name, $0.variable.value) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calm-import-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ImportedWeights(part: .language(config), tensors: imported, tokenizer: nil, source: "test").write(to: path)

        let stage = try PretrainStage(recipe: try recipe(["model.language_weights=\(path)"]))
        let parameters = Dictionary(uniqueKeysWithValues: stage.parameters.map { ($0.name, $0.variable.value) })
        let vocabularyRows: Set = ["llm.embed.weight", "llm.lm_head.weight"]
        for (name, tensor) in imported where !vocabularyRows.contains(name) {
            XCTAssertEqual(parameters[name]?.toArray(Float.self), tensor.toArray(Float.self), name)
        }
        for name in vocabularyRows {
            let rows = imported[name]!.toDoubles(), grown = parameters[name]!.toDoubles()
            XCTAssertEqual(grown.count, PretrainFixture.vocabularySize * width, name)
            XCTAssertEqual(Array(grown[..<rows.count]), rows, name)
            for c in 0..<width {
                let mean = stride(from: c, to: rows.count, by: width).map { rows[$0] }.reduce(0, +) / Double(base)
                for row in base..<PretrainFixture.vocabularySize { XCTAssertEqual(grown[row * width + c], mean, accuracy: 1e-6, name) }
            }
        }
    }

    func testTrainingLowersTheLoss() throws {
        let recipe = try recipe(["train.max_steps=12", "optimizer.lr=3.0e-3", "checkpoint.every=12"])
        let stage = try PretrainStage(recipe: recipe)
        let losses = try trainedLosses(recipe, stage: stage)
        XCTAssertEqual(losses.count, 12)
        XCTAssertLessThan(losses.suffix(3).reduce(0, +) / 3, losses.prefix(3).reduce(0, +) / 3 - 0.25)
    }
}
