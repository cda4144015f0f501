import ArgumentParser
import CalmText
import Foundation

/// Prints the token ids of a text, as a JSON array.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the token ids of a text as a JSON array.")

    @Option(help: "A Hugging Face tokenizer.json or a .gguf file.")
    var tokenizer: String

    @Flag(help: "Add calm's special tokens (<image>, <low>, <middle>, <high>, <thematic>) after the vocabulary.")
    var calmTokens = false

    @Flag(help: "Tokenize special-token text (e.g. <|im_end|>) as ordinary text.")
    var plainSpecialTokens = false

    @Option(help: "Read the text from this UTF-8 file instead of the argument.")
    var file: String?

    @Flag(help: "Report the encoding speed on stderr.")
    var timing = false

    @Argument(help: "The text to tokenize.")
    var text: String?

    func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("Give either TEXT or --file.") }
    }

    func run() throws {
        var loaded = try Tokenizer.load(path: tokenizer)
        if calmTokens { loaded = loaded.addingCalmTokens() }
        let input = try file.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? text!
        let start = DispatchTime.now().uptimeNanoseconds
        let ids = loaded.encode(input, parseSpecial: !plainSpecialTokens)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if timing {
            let megabytes = Double(input.utf8.count) / 1e6
            FileHandle.standardError.write(Data(String(
                format: "%.2f MB -> %d tokens in %.3f s: %.2f MB/s\n", megabytes, ids.count, seconds, megabytes / seconds).utf8))
        }
        print("[" + ids.map(String.init).joined(separator: ",") + "]")
    }
}
