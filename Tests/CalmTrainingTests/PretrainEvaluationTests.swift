import CalmImage
import CalmModels
import CalmSelfSupervision
import CalmTensor
import XCTest
@testable import CalmTraining

final class PretrainEvaluationTests: XCTestCase {
    func evaluation() throws -> PretrainEvaluation { try PretrainEvaluation(untrained: try PretrainFixture.recipe()) }

    func photo() throws -> RGBImage {
        let name = try FileManager.default.contentsOfDirectory(atPath: PretrainFixture.photos).sorted()[0]
        return try ImageDecoder.decode(contentsOf: PretrainFixture.photos + "/" + name)
    }

    /// The forced choice's sentence scores agree with the model's own mean cross-entropy.
    func testLogProbabilitiesMatchTheModelLoss() throws {
        let evaluation = try evaluation(), image = try photo()
        let samples = try ["The photo has a balanced exposure.", "The photo has severe overexposure."].map {
            try evaluation.encoder.sequence(question: "<image>\nDescribe the lighting and colour of this photo.", answer: $0, scale: .low)
        }
        let scores = try evaluation.logProbabilities(samples, images: [image, image])
        for (sample, score) in zip(samples, scores) {
            let side = evaluation.encoder.imageSide
            let batch = try MultimodalBatch(samples: [sample], images: Tensor(evaluation.encoder.pixels(image), shape: [1, 3, side, side]),
                                            tokenIds: evaluation.encoder.tokenIds, config: evaluation.model.config)
            let answerTokens = Double(sample.lossMask.filter { $0 }.count)
            XCTAssertEqual(score, -evaluation.model.loss(batch).value.item * answerTokens, accuracy: 1e-3 * answerTokens)
        }
    }

    /// Every single-attribute answer the pretraining teaches can be generated under the
    /// evaluation's decoding: its repetition control bans none of the answer's tokens. (With
    /// trigrams banned, "As for the depth of field, … a shallow depth of field" cannot be said.)
    func testEveryTaughtAnswerCanBeGenerated() throws {
        let evaluation = try evaluation(), tokenizer = evaluation.encoder.tokenizer
        let vocabulary = evaluation.model.config.language.vocabularySize
        for attribute in Attribute.allCases where attribute.scale != .high {
            for level in attribute.levels {
                for sentence in SentenceRenderer.templateSentences(attribute, level: level) {
                    let answer = PretrainSampleGenerator.focusedAnswer(attribute, sentence: sentence)
                    let ids = tokenizer.encode(answer) + [evaluation.encoder.endOfTurnId]
                    let banned = ids.indices.filter { k in
                        var logits = [Float](repeating: 0, count: vocabulary)
                        banRepeatedNgrams(&logits, context: Array(ids[..<k]), size: evaluation.noRepeatNgramSize)
                        return logits[ids[k]] == -.infinity
                    }
                    XCTAssertEqual(banned, [], "\(answer)")
                }
            }
        }
    }

    func testReportCountsEveryQuestion() throws {
        var evaluation = try evaluation()
        (evaluation.questionsPerScale, evaluation.pairsPerPhoto, evaluation.maxTokens, evaluation.focusedMaxTokens) = (1, 2, 8, 8)
        let report = try evaluation.run(photos: [("photo", try photo())])
        let asked = Dictionary(uniqueKeysWithValues: report.generated.attributes.map { ($0.attribute, $0.asked) })
        XCTAssertEqual(asked["exposure"], 1)
        XCTAssertEqual(asked["clutter"], 1)
        XCTAssertEqual(asked["preference"], 2)
        XCTAssertEqual(report.generated.attributes.count, Attribute.allCases.count)
        // Forced choice names a level of every attribute but the edit's strength.
        XCTAssertEqual(report.forcedChoice.attributes.map(\.attribute), Attribute.allCases.filter { $0 != .editStrength }.map(\.rawValue))
        XCTAssertTrue(report.forcedChoice.attributes.allSatisfy { $0.named == $0.asked })
        XCTAssertEqual(report.examples.count, 6)
        // One single-attribute question per low- and middle-scale attribute.
        XCTAssertEqual(report.focused.attributes.map(\.attribute), ImageAttributes.measured.map(\.rawValue))
        XCTAssertTrue(report.focused.attributes.allSatisfy { $0.asked == 1 })
    }

    /// Probes ask about what the recipe pretrains: its pair edits, measured at the encoder's side.
    func testProbesFollowTheRecipe() throws {
        let evaluation = try PretrainEvaluation(untrained: try PretrainFixture.recipe(["pretrain.pair_edits=[exposure]"]))
        let probes = evaluation.probes(index: 0, id: "photo", image: try photo())
        let pairs = probes.filter { $0.scale == .high }
        XCTAssertEqual(pairs.count, evaluation.pairsPerPhoto)
        XCTAssertTrue(pairs.allSatisfy { ["brighter", "darker"].contains($0.targets[.edit]) }, "\(pairs.map(\.targets))")
        XCTAssertTrue(probes.allSatisfy { $0.images.allSatisfy { max($0.width, $0.height) <= evaluation.encoder.imageSide } })
    }

    /// `attributes` replaces the recipe's: a model pretrained on clutter alone is asked about tilt.
    func testAttributesChooseWhatIsAsked() throws {
        var evaluation = try PretrainEvaluation(untrained: try PretrainFixture.recipe(["pretrain.attributes=[clutter]"]))
        XCTAssertEqual(Set(evaluation.probes(index: 0, id: "photo", image: try photo()).flatMap(\.targets.keys)), [.clutter])
        evaluation.attributes = [.tilt, .exposure]
        let probes = evaluation.probes(index: 0, id: "photo", image: try photo())
        XCTAssertEqual(Set(probes.flatMap(\.targets.keys)), [.tilt, .exposure])
        XCTAssertEqual(probes.filter(\.focused).count, 2 * evaluation.questionsPerAttribute)
    }
}
