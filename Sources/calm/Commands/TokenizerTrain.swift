import ArgumentParser
import CalmData
import CalmTraining
import Foundation

/// `calm tokenizer train`: the deterministic tokenizer of calm's small models.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenizer", abstract: "Train calm's own tokenizers.",
                                                    subcommands: [TokenizerTrain.self])
}

struct TokenizerTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer on the pretraining grammar, questions, scoring instructions and captions.",
        discussion: "Deterministic: the same inputs give a byte-identical tokenizer.json. "
            + "Datasets/tokenizers/calm-tiny.json is: calm tokenizer train --photos Datasets/photos "
            + "--captions Datasets/photos/captions.jsonl --vocabulary 4096 --output Datasets/tokenizers/calm-tiny.json")

    @Option(help: "Photos (a folder or a list file) whose pretraining samples are part of the text.") var photos: String
    @Option(help: "A captions.jsonl file ({\"title\", \"sentences\"} per line).") var captions: String?
    @Option(help: "Vocabulary size, special tokens and the 256 bytes included.") var vocabulary = 4096
    @Option(name: .shortAndLong, help: "The tokenizer.json to write.") var output: String

    func run() throws {
        let texts = try PretrainTokenizer.corpus(photos: try ShardSources.list(photos), captions: captions)
        let tokenizer = try PretrainTokenizer.train(texts, vocabularySize: vocabulary)
        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try tokenizer.save(huggingFaceJSON: URL(fileURLWithPath: output))
        print("tokenizer: \(tokenizer.vocabularySize) tokens from \(texts.count) texts -> \(output)")
    }
}
