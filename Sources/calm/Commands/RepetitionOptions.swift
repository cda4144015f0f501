import ArgumentParser
import CalmModels

/// The repetition control of the commands that generate text (`SamplingOptions`'
/// `repetitionPenalty` and `noRepeatNgramSize`, over the answer being generated); `Defaults`
/// gives each command its defaults.
struct RepetitionOptions<Defaults: RepetitionDefaults>: ParsableArguments {
    @Option(help: "Divide the positive logits of tokens already in the answer by this, multiply the negative ones (CTRL's penalty, e.g. 1.2); 1 is off.")
    var repetitionPenalty = Defaults.repetitionPenalty

    @Option(help: "Never repeat an n-gram of this many tokens within an answer; 0 is off.")
    var noRepeatNgram = Defaults.noRepeatNgram

    func validate() throws {
        try validateRepetitionControl(penalty: repetitionPenalty, noRepeatNgram: noRepeatNgram)
    }

    func apply(to options: inout SamplingOptions) {
        (options.repetitionPenalty, options.noRepeatNgramSize) = (repetitionPenalty, noRepeatNgram)
    }
}

/// The checks behind --repetition-penalty and --no-repeat-ngram, with the flags' names.
func validateRepetitionControl(penalty: Double = 1, noRepeatNgram: Int) throws {
    guard penalty > 0, penalty.isFinite else {
        throw ValidationError("--repetition-penalty must be a positive number (1 is off, above 1 discourages repeats), got \(penalty)")
    }
    guard noRepeatNgram >= 0 else { throw ValidationError("--no-repeat-ngram must be ≥ 0 (0 is off), got \(noRepeatNgram)") }
}

protocol RepetitionDefaults {
    static var repetitionPenalty: Double { get }
    static var noRepeatNgram: Int { get }
}

/// No repetition control unless asked for: the model's own distribution (`calm chat`).
enum RepetitionOff: RepetitionDefaults {
    static let repetitionPenalty = 1.0, noRepeatNgram = 0
}

/// The task commands' answers (critiques, suggestions) are a sentence or three, where a repeated
/// trigram is almost always the small models' greedy loop ("The photo has sharp detail. The photo
/// has…"): no-repeat-ngram 3, as common captioning setups use. The penalty stays off: it would
/// also push down the words a critique needs more than once ("the", "photo", ".").
enum TaskAnswerRepetition: RepetitionDefaults {
    static let repetitionPenalty = 1.0, noRepeatNgram = 3
}
