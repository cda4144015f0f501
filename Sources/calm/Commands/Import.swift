import ArgumentParser
import CalmModels
import Foundation

/// Converts pretrained weights into calm's HDF5 checkpoint layout.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert pretrained weights (Hugging Face CLIP vision tower or Llama, or a llama.cpp GGUF) into a calm checkpoint.",
        subcommands: [CLIP.self, Llama.self, GGUF.self])

    /// Options every import takes.
    struct Output: ParsableArguments {
        @Option(help: "The HDF5 checkpoint to write (replaced atomically).")
        var output: String
    }

    struct CLIP: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CLIPVisionModel or CLIPModel folder (config.json + safetensors); the text tower is left out.")

        @Argument(help: "The Hugging Face model folder.") var folder: String
        @Option(parsing: .upToNextOption, help: "The three 1-based blocks feeding the low, middle and high Q-Formers (default depth/3, 2·depth/3, depth).")
        var taps: [Int] = []
        @OptionGroup var output: Output

        func run() throws {
            try write(try .clipVision(folder: URL(fileURLWithPath: folder), taps: taps.isEmpty ? nil : taps), to: output.output)
        }
    }

    struct Llama: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a LlamaForCausalLM folder (config.json + safetensors, and tokenizer.json when present).")

        @Argument(help: "The Hugging Face model folder.") var folder: String
        @OptionGroup var output: Output

        func run() throws { try write(try .llama(folder: URL(fileURLWithPath: folder)), to: output.output) }
    }

    struct GGUF: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a llama-architecture GGUF (F32, F16, Q4_1, Q8_0 tensors) with its tokenizer, e.g. SmolLM2-135M-Instruct.")

        @Argument(help: "The .gguf file.") var file: String
        @OptionGroup var output: Output

        func run() throws { try write(try .gguf(file: URL(fileURLWithPath: file)), to: output.output) }
    }
}

/// Writes the checkpoint and says what it holds.
private func write(_ weights: ImportedWeights, to path: String) throws {
    try weights.write(to: path)
    let parameters = weights.tensors.values.reduce(0) { $0 + $1.count }
    let shape: String
    switch weights.part {
    case .vision(let c): shape = "vision tower: \(c.depth) blocks, width \(c.width), \(c.heads) heads, \(c.imageSize) px / \(c.patchSize), taps \(c.taps)"
    case .language(let c): shape = "language model: \(c.depth) layers, width \(c.width), \(c.heads) heads / \(c.kvHeads) KV heads, vocabulary \(c.vocabularySize)\(c.tiedEmbeddings ? ", tied embeddings" : "")"
    }
    print("\(path): \(shape); \(parameters) parameters\(weights.tokenizer == nil ? "" : ", tokenizer included")")
}
