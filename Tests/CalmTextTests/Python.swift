import Foundation
import XCTest

/// Runs a Python reference script (an optional cross-check: skipped when Python or the
/// module is missing).
enum Python {
    static func run(_ script: String, arguments: [String] = [], requiring module: String) throws -> Data {
        func launch(_ args: [String]) throws -> (Int32, Data) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + args
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data)
        }
        guard (try? launch(["-c", "import \(module)"]).0) == 0 else {
            throw XCTSkip("python3 with the \(module) package is not available")
        }
        let (status, data) = try launch(["-c", script] + arguments)
        guard status == 0 else { throw XCTSkip("the Python reference script failed (status \(status))") }
        return data
    }
}
