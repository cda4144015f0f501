import ArgumentParser
import CalmModels
import CalmTensor
import CalmText
import Foundation

/// Talks with an imported language model (SmolLM2-style ChatML), streaming its answers.
struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with a language model: an imported checkpoint (.h5) with its tokenizer, or a .gguf file directly.")

    @Option(help: "A checkpoint written by `calm import gguf|llama` (with a tokenizer), or a .gguf file.")
    var weights: String

    @Option(help: "One user message to answer; without it, an interactive conversation on the terminal.")
    var prompt: String?

    @Option(help: "At most this many tokens per answer.")
    var maxTokens = 256

    @Option(help: "Sampling temperature; 0 is greedy decoding.")
    var temperature = 0.2

    @Option(help: "Nucleus sampling: keep the most probable tokens up to this probability mass.")
    var topP = 0.9

    @Option(help: "Seed of the sampler.")
    var seed: UInt64 = 0

    @OptionGroup var repetition: RepetitionOptions<RepetitionOff>

    func validate() throws {
        guard maxTokens > 0 else { throw ValidationError("--max-tokens must be positive") }
        guard temperature >= 0, topP > 0, topP <= 1 else { throw ValidationError("--temperature must be ≥ 0 and --top-p in (0, 1]") }
    }

    func run() throws {
        let start = DispatchTime.now()
        let imported = weights.hasSuffix(".gguf") ? try ImportedWeights.gguf(file: URL(fileURLWithPath: weights))
            : try ImportedWeights.read(from: weights)
        guard let tokenizer = try imported.checkedTokenizer() else {
            throw ImportError(file: weights, key: "tokenizer_json", message: "no tokenizer (import a GGUF that has one, or a Llama folder with tokenizer.json)")
        }
        var options = SamplingOptions(maxTokens: maxTokens, temperature: temperature, topP: topP, seed: seed)
        repetition.apply(to: &options)
        let session = ChatSession(decoder: LlamaDecoder(try imported.languageModel()), tokenizer: tokenizer,
                                  options: options)
        report(String(format: "loaded %@ in %.1f s", weights, seconds(from: start)))
        if let prompt {
            try session.answer(prompt)
            return
        }
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("no --prompt and standard input is not a terminal") }
        report("Type a message and press Enter; an empty line or end of input quits.")
        while true {
            FileHandle.standardError.write(Data("> ".utf8))
            guard let line = readLine(), !line.isEmpty else { break }
            try session.answer(line)
        }
    }
}

/// A conversation: the turns so far, and a decoder whose KV cache holds their tokens.
private final class ChatSession {
    let decoder: LlamaDecoder
    let tokenizer: Tokenizer
    let template = ChatTemplate.smolLM2
    let options: SamplingOptions
    var rng: RandomGenerator
    var turns = [Turn]()
    /// Tokens in the decoder's cache.
    var context = [Int]()
    let stop: Set<Int>

    init(decoder: LlamaDecoder, tokenizer: Tokenizer, options: SamplingOptions) {
        (self.decoder, self.tokenizer, self.options) = (decoder, tokenizer, options)
        rng = RandomGenerator(seed: options.seed)
        stop = Set([tokenizer.id(of: template.endOfTurn), tokenizer.eosTokenId].compactMap { $0 })
    }

    /// Answers one user message, printing the answer as it is generated, then the speeds.
    func answer(_ message: String) throws {
        turns.append(Turn(.user, message))
        let ids = tokenizer.encode(template.render(turns, addGenerationPrompt: true))
        // Reuse the cache when the conversation so far tokenizes to what it holds.
        if !ids.starts(with: context) || ids.count == context.count {
            decoder.reset()
            context = []
        }
        let fed = ids.count - context.count
        // The first token comes with the prompt's forward pass; each later one with one step.
        let start = DispatchTime.now()
        var firstToken: DispatchTime?, streamed = [Int](), printed = ""
        let answer = decoder.generate(prompt: Array(ids[context.count...]), options: options, stop: stop, using: &rng) { token in
            if firstToken == nil { firstToken = DispatchTime.now() }
            streamed.append(token)
            // Print the new text once it is whole UTF-8 (a character may span tokens).
            if let text = try? tokenizer.decode(streamed, skipSpecialTokens: true), !text.hasSuffix("\u{FFFD}"),
               text.count > printed.count, text.hasPrefix(printed) {
                FileHandle.standardOutput.write(Data(String(text.dropFirst(printed.count)).utf8))
                printed = text
            }
            return true
        }
        let prefillSeconds = seconds(from: start, to: firstToken!), generationSeconds = seconds(from: firstToken!)
        print()
        // The last token (the end of turn, or the one at the limit) was sampled but not fed.
        context = ids + answer.dropLast()
        turns.append(Turn(.assistant, try tokenizer.decode(answer, skipSpecialTokens: true)))
        report(String(format: "prompt: %d tokens in %.2f s (%.1f tokens/s); generation: %d more tokens in %.2f s (%.1f tokens/s)",
                      fed, prefillSeconds, Double(fed) / prefillSeconds,
                      answer.count - 1, generationSeconds, Double(answer.count - 1) / generationSeconds))
    }
}

private func seconds(from start: DispatchTime, to end: DispatchTime = .now()) -> Double {
    Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

private func report(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
