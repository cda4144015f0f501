import CalmAutograd
import CalmData
import CalmImage
import CalmModels
import CalmTensor
import CalmText
import CalmTraining
import Foundation

/// The CALM model behind the tasks: scores with the five-level decoding, answers by greedy
/// generation. Prompts use the plain chat template, as pretraining and the instruct stage do.
public final class CalmAssessor: AestheticModel {
    public let model: CalmModel
    public let tokenizer: Tokenizer
    public let tokenIds: CalmTokenIds
    public let decoder: ScoreDecoder
    public let template = ChatTemplate.plain
    /// How `answer` decodes: greedy, at most 48 tokens, ending at the end of the turn or a new
    /// user turn; repetition control is the caller's (off by default).
    public var answerOptions = SamplingOptions(maxTokens: 48, stopStrings: ["\nUser:"])

    /// The id that ends a turn (and pads batches).
    public var endOfTurnId: Int { tokenizer.id(of: template.endOfTurn) ?? 0 }

    /// The words the scoring answer starts with; the level word follows.
    static let scoreAnswerPrefix = "The aesthetic quality of the image is"

    public init(model: CalmModel, tokenizer: Tokenizer) throws {
        model.eval()
        self.model = model
        self.tokenizer = tokenizer
        tokenIds = try CalmTokenIds(tokenizer)
        decoder = try ScoreDecoder(tokenizer: tokenizer)
    }

    /// Loads a checkpoint (a file or a run's checkpoint folder). The tokenizer is the one the
    /// checkpoint carries unless `tokenizer` names a tokenizer.json.
    public convenience init(checkpoint: String, config: String = "calm-tiny", tokenizer tokenizerPath: String? = nil) throws {
        let tokenizer: Tokenizer
        if let tokenizerPath {
            tokenizer = try Tokenizer.load(path: tokenizerPath)
        } else {
            guard let json = try TrainingCheckpoint.read(from: CheckpointDirectory.resolve(checkpoint)).tokenizer else {
                throw TaskError("\(checkpoint): the checkpoint carries no tokenizer; pass --tokenizer")
            }
            tokenizer = try Tokenizer(huggingFaceJSON: Data(json.utf8))
        }
        try self.init(checkpoint: checkpoint, config: config, tokenizer: tokenizer)
    }

    /// Loads a checkpoint's weights; every parameter of the configuration must be there.
    public convenience init(checkpoint: String, config: String, tokenizer: Tokenizer) throws {
        let model = CalmModel(try CalmConfig.load(config), initializer: .zeros)
        let report = try loadWeights(from: checkpoint, into: model.parameters())
        guard report.initialized.isEmpty else {
            throw TaskError("\(checkpoint): no tensor for \(report.initialized.prefix(3).joined(separator: ", ")) (\(report.initialized.count) parameters missing)")
        }
        try self.init(model: model, tokenizer: tokenizer)
    }

    /// The vision encoder's input: the centred square, resized, CLIP-normalized, CHW.
    public func pixels(_ image: RGBImage) -> [Float] {
        let side = min(image.width, image.height), size = model.config.vision.imageSize
        return image.centerCropped(width: side, height: side).resized(width: size, height: size, filter: .area).normalizedCHW()
    }

    func imageTensor(_ images: [RGBImage]) -> Tensor {
        let size = model.config.vision.imageSize
        return Tensor(images.flatMap(pixels), shape: [images.count, 3, size, size])
    }

    /// The ids of `turns` (user first) with an open assistant turn, followed by `answerStart`.
    func promptIds(_ turns: [ChatTurn], answerStart: String = "") throws -> [Int] {
        let encoded = try template.encode(turns, with: tokenizer, addGenerationPrompt: true)
        return encoded.ids + (answerStart.isEmpty ? [] : tokenizer.encode(answerStart, parseSpecial: false))
    }

    /// The score on 1–10: the five level words' probabilities after "…the image is".
    public func score(_ image: RGBImage) throws -> Double { try score(image, scale: 1...10) }

    /// The score on `scale`. `examples` are rated images shown first, as earlier turns of the
    /// conversation (in-context personalization): their answers are the level sentences.
    public func score(_ image: RGBImage, scale: ClosedRange<Double>,
                      examples: [(image: RGBImage, answer: String)] = []) throws -> Double {
        let question = CorpusBenchmark.scoring.prompt
        let turns = examples.flatMap { [ChatTurn(.user, question), ChatTurn(.assistant, $0.answer)] } + [ChatTurn(.user, question)]
        let ids = try promptIds(turns, answerStart: Self.scoreAnswerPrefix)
        return try noGrad {
            let batch = try MultimodalBatch(samples: [MultimodalSample(ids: ids)], images: imageTensor(examples.map(\.image) + [image]),
                                            tokenIds: tokenIds, config: model.config)
            let logits = model.logits(batch)
            let t = logits.shape[1]
            return decoder.score(logits.slice(axis: 1, (t - 1)..<t).value.to(.float32).toArray(Float.self), scale: scale)
        }
    }

    /// Greedy decoding of the answer to `prompt`, up to the end of the turn.
    public func answer(_ prompt: String, images: [RGBImage]) throws -> String {
        let generator = Generator(model: model, tokenIds: tokenIds, tokenizer: tokenizer, stopIds: [endOfTurnId])
        let generation = try generator.generate(MultimodalSample(ids: try promptIds([ChatTurn(.user, prompt)])), images: imageTensor(images),
                                                options: answerOptions)
        return generation.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
