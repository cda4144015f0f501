import CalmData
import CalmImage
import CalmModels
import CalmSelfSupervision
import CalmText
import Foundation

/// The tokenizer of calm's own small models, trained deterministically (CalmText's `BPETrainer`)
/// on the text they must speak: every template sentence and question of the pretraining
/// grammar (scale and attribute questions), real pretraining samples of some photos (with the edits' amounts), the scoring
/// instructions, and photo captions.
public enum PretrainTokenizer {
    /// Special tokens, first in the vocabulary: the plain template's end of turn, ChatML's markers, calm's tokens.
    public static let specialTokens = [ChatTemplate.plain.endOfTurn, "<|im_start|>", "<|im_end|>"] + CalmTokens.all

    /// The training text. `photos`: images whose pretraining samples (every scale, `epochs`
    /// variations each) are included; `captions`: a captions.jsonl (`{"title", "sentences"}` per line).
    public static func corpus(photos: [ShardSource], captions: String?, epochs: Int = 2) throws -> [String] {
        var texts = Scale.allCases.flatMap(Questions.paraphrases) + ImageAttributes.measured.flatMap(Questions.about)
        for attribute in Attribute.allCases {
            for level in attribute.levels {
                texts += SentenceRenderer.templateSentences(attribute, level: level).flatMap { sentence in
                    ["first", "second"].map { sentence.replacingOccurrences(of: "{which}", with: $0) }
                }
            }
        }
        let generator = PretrainSampleGenerator()
        for photo in photos {
            let image = try ImageDecoder.decode(contentsOf: photo.path)
            for epoch in 0..<epochs {
                for scale in Scale.allCases {
                    let sample = generator.sample(image: image, id: photo.id, epoch: epoch, scale: scale)
                    texts.append(ChatTemplate.plain.render([Turn(.user, sample.question), Turn(.assistant, sample.answer)]))
                }
            }
        }
        for scale in [ScoreScale.oneToTen, .oneToFive, .unit] {
            for style in [ScoreAnswerStyle.level, .numeric] {
                let instruction = ScoringInstruction(dataset: "", scale: scale, style: style)
                texts.append(instruction.prompt)
                texts += stride(from: scale.lowest, through: scale.highest, by: (scale.highest - scale.lowest) / 8).map(instruction.answer)
            }
        }
        if let captions { texts += try captionTexts(captions) }
        return texts
    }

    /// Trains the tokenizer on `texts`.
    public static func train(_ texts: [String], vocabularySize: Int) throws -> Tokenizer {
        try BPETrainer(vocabularySize: vocabularySize, specialTokens: specialTokens).train(texts)
    }

    /// Titles and sentences of a captions.jsonl file.
    static func captionTexts(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw TrainingError("\(path): cannot read the captions") }
        struct Caption: Decodable { var title: String?; var sentences: [String] }
        return try text.split(separator: "\n").enumerated().flatMap { index, line -> [String] in
            do {
                let caption = try JSONDecoder().decode(Caption.self, from: Data(line.utf8))
                return (caption.title.map { [$0] } ?? []) + caption.sentences
            } catch {
                throw TrainingError("\(path): line \(index + 1) is not a caption record ({\"title\", \"sentences\"}): \(error)")
            }
        }
    }
}
