import CalmData
import CalmImage
import CalmModels
import CalmText
import CalmTraining
import XCTest
@testable import CalmTasks

/// The CALM model behind the tasks, on a micro configuration: the instruct stage teaches it
/// that one photo is excellent and another bad, and the five-level score follows.
final class AssessorTests: XCTestCase {
    static func microConfig() -> CalmConfig {
        var config = CalmConfig.tiny
        (config.vision.imageSize, config.vision.patchSize, config.vision.width, config.vision.depth) = (32, 16, 16, 3)
        (config.vision.heads, config.vision.mlpHidden, config.vision.taps) = (2, 32, [1, 2, 3])
        (config.mfam.queries, config.mfam.layers, config.mfam.heads, config.mfam.thematicGrid) = (2, 1, 2, 1)
        (config.language.vocabularySize, config.language.width, config.language.depth) = (400, 32, 1)
        (config.language.heads, config.language.kvHeads, config.language.mlpHidden) = (2, 2, 64)
        return config
    }

    /// A byte-level BPE trained on the benchmark's prompts and (repeated, so that each level word
    /// gets a token of its own) answers, with calm's special tokens.
    static func tokenizer() throws -> Tokenizer {
        let answers = AestheticLevel.allCases.map { "The aesthetic quality of the image is \($0.word)." }
        return try BPETrainer(vocabularySize: 400, specialTokens: [ChatTemplate.plain.endOfTurn] + CalmTokens.all)
            .train([CorpusBenchmark.scoring.prompt, SuggestionText.prompt, CorpusBenchmark.commentPrompt]
                   + Array(repeating: answers, count: 20).joined())
    }

    func testInstructStageTeachesTheScore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calm-assessor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = try Fixture.photos()
        try PNGWriter.write(photos[0].image, to: folder.appendingPathComponent("good.png").path)
        try PNGWriter.write(photos[2].image, to: folder.appendingPathComponent("bad.png").path)
        let records = try [("good", 9.5), ("bad", 1.5)].map { name, score in
            try CorpusBenchmark.scoring.record(id: name, image: name + ".png", score: score)
        }
        try InstructionSet.write(records, to: folder.appendingPathComponent("train.jsonl"))
        let configFile = folder.appendingPathComponent("micro.json")
        try JSONEncoder().encode(Self.microConfig()).write(to: configFile)
        let recipeFile = folder.appendingPathComponent("instruct.yaml")
        try """
            stage: instruct
            model: {config: \(configFile.path)}
            data: {sources: {scores: {kind: instructions, path: \(folder.path)/train.jsonl}}}
            train: {max_steps: 120, batch_size: 2, seed: 1}
            optimizer: {lr: 3.0e-3, weight_decay: 0.0}
            schedule: {warmup_steps: 0, decay: constant}
            checkpoint: {every: 120}
            run: {dir: \(folder.path)/run}
            """.write(to: recipeFile, atomically: true, encoding: .utf8)
        let recipe = try Recipe.load(file: recipeFile.path)
        let tokenizer = try Self.tokenizer()
        let stage = try InstructStage(recipe: recipe, tokenizer: tokenizer)

        // The loss covers the answer (and its end of turn) only.
        let sample = try stage.encode(records[0])
        let answerIds = tokenizer.encode(records[0].conversations[1].value, parseSpecial: false)
        XCTAssertEqual(sample.lossMask.filter { $0 }.count, answerIds.count + 1)

        guard case .finished(let checkpoint) = try Trainer(recipe: recipe, stage: stage).run(resume: false) else {
            return XCTFail("training stopped")
        }
        let assessor = try CalmAssessor(checkpoint: checkpoint, config: configFile.path, tokenizer: tokenizer)
        let good = try assessor.score(photos[0].image), bad = try assessor.score(photos[2].image)
        XCTAssertGreaterThan(good, 8, "the excellent photo")
        XCTAssertLessThan(bad, 3, "the bad photo")
        XCTAssertTrue(try assessor.answer(CorpusBenchmark.scoring.prompt, images: [photos[0].image]).contains("excellent"))
        // In context: an example turn before the query changes the prompt, not the range.
        let inContext = try assessor.score(photos[2].image, scale: 1...5, examples: [(photos[0].image, records[0].conversations[1].value)])
        XCTAssertTrue((1...5).contains(inContext))
    }
}
