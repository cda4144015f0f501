/// Whether ops are recorded for backward on the current thread/task.
public enum GradMode {
    @TaskLocal static var recording = true

    /// True outside `noGrad` regions.
    public static var isEnabled: Bool { recording }
}

/// Runs `body` without recording ops: results have no gradient history (evaluation,
/// optimizer updates, metrics).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$recording.withValue(false, operation: body)
}
