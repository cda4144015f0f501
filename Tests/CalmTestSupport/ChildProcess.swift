import Foundation

/// A started child process whose standard output and error go to one pipe.
public struct ChildProcess {
    public let process = Process()
    private let pipe = Pipe()

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
    }

    /// Waits for the exit; returns the status and everything printed.
    public func finish() -> (status: Int32, output: String) {
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// The built `calm` executable in the products folder beside the test bundle; nil when not built.
public var calmExecutable: String? {
    let path = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        .deletingLastPathComponent().appendingPathComponent("calm").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}

/// Runs the built `calm` with `arguments`: its status and everything it printed; nil when not built.
public func runCalm(_ arguments: [String]) throws -> (status: Int32, output: String)? {
    guard let calm = calmExecutable else { return nil }
    return try ChildProcess(calm, arguments).finish()
}
