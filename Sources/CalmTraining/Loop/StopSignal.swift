import Foundation

/// SIGINT/SIGTERM handling for the training loop: the first signal sets a flag the loop reads at
/// the next step boundary (it then saves a checkpoint and returns); a second one exits at once
/// with `_exit`, which is async-signal-safe and cannot harm the last complete checkpoint
/// (checkpoints are only ever completed by a rename).
public enum StopSignal {
    /// The signal number received (0: none). A preallocated `sig_atomic_t`: the handler may only touch such memory.
    private static let received: UnsafeMutablePointer<sig_atomic_t> = {
        let flag = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        flag.initialize(to: 0)
        return flag
    }()

    /// Installs the handlers for SIGINT and SIGTERM.
    public static func install() {
        _ = received  // allocate outside the handler
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                if StopSignal.received.pointee != 0 { _exit(128 + number) }
                StopSignal.received.pointee = number
            }
        }
    }

    /// Whether a stop was requested, and by which signal.
    public static var requested: Int32? { received.pointee == 0 ? nil : received.pointee }
}
