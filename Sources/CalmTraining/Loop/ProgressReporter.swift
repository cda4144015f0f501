import Foundation

/// Shows training progress: a redrawn one-line bar on a terminal, plain lines every
/// `train.log_every` steps otherwise (logs, CI).
public struct ProgressReporter {
    public let isTerminal: Bool
    public let totalSteps: Int
    public let every: Int
    private let write: (String) -> Void

    public init(totalSteps: Int, every: Int, isTerminal: Bool = isatty(STDOUT_FILENO) != 0,
                write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        (self.totalSteps, self.every, self.isTerminal, self.write) = (totalSteps, every, isTerminal, write)
    }

    /// Reports completed step `step` (1-based); `secondsPerStep` feeds the ETA.
    public func show(step: Int, loss: Double, lr: Double, tokensPerSecond: Double, imagesPerSecond: Double, secondsPerStep: Double) {
        let figures = String(format: "loss %.4f  lr %.2e  %.0f tok/s  %.1f img/s  eta ", loss, lr, tokensPerSecond, imagesPerSecond)
            + Self.duration(secondsPerStep * Double(totalSteps - step))
        if isTerminal {
            let width = 24, filled = width * step / max(totalSteps, 1)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\(bar) \(step)/\(totalSteps)  \(figures)\u{1B}[K" + (step == totalSteps ? "\n" : ""))
        } else if step % every == 0 || step == totalSteps {
            write("step \(step)/\(totalSteps)  \(figures)\n")
        }
    }

    /// A message on its own line (clearing a bar in progress).
    public func note(_ text: String) {
        write(isTerminal ? "\r\u{1B}[K\(text)\n" : "\(text)\n")
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
