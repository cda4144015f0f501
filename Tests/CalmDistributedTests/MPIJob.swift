import Foundation
import XCTest
@testable import CalmDistributed

/// Runs jobs on several processes with `mpirun`: each rank is this test binary running one
/// test of `MPIRankWorker`, which finds its job in `CALM_MPI_JOB`.
enum MPIJob {
    static let jobVariable = "CALM_MPI_JOB"

    /// `mpirun` on the PATH, or nil.
    static var mpirun: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `job` on `ranks` ranks, each executing `worker` (a test of `MPIRankWorker`), which
    /// writes its result into the job's folder as rank-<r>.json; returns them in rank order.
    static func run<Job: Encodable, Result: Decodable>(_ job: Job, in folder: String, ranks: Int, worker: String) throws -> [Result] {
        let jobFile = folder + "/job-\(worker)-\(ranks).json"
        try JSONEncoder().encode(job).write(to: URL(fileURLWithPath: jobFile))
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        try launch(ranks: ranks, [testBinary, "CalmDistributedTests.MPIRankWorker/\(worker)"], environment: [jobVariable: jobFile])
        return try (0..<ranks).map { rank in
            try JSONDecoder().decode(Result.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/rank-\(rank).json")))
        }
    }

    /// The job a worker was started with, or a skip outside `mpirun`.
    static func currentJob<Job: Decodable>(_ type: Job.Type) throws -> Job {
        guard let jobFile = ProcessInfo.processInfo.environment[jobVariable] else {
            throw XCTSkip("runs only as a rank started by MPIJob under mpirun")
        }
        return try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: jobFile)))
    }

    /// Writes a worker's result where `run` collects it.
    static func report<Result: Encodable>(_ result: Result, rank: Int, in folder: String) throws {
        try JSONEncoder().encode(result).write(to: URL(fileURLWithPath: folder + "/rank-\(rank).json"))
    }

    /// Runs `command` as `ranks` ranks (one OpenBLAS thread each) and returns their combined
    /// output; throws with that output when the job fails, skips the test without `mpirun`.
    @discardableResult
    static func launch(ranks: Int, _ command: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 300) throws -> String {
        guard let mpirun else { throw XCTSkip("mpirun not found: install openmpi-bin (Scripts/setup-mpi.sh)") }
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["OPENBLAS_NUM_THREADS"] = "1"
        // CI runs as root, which Open MPI refuses unless told twice.
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        let exported = (Array(extra.keys) + ["OPENBLAS_NUM_THREADS"]).flatMap { ["-x", $0] }
        return try runProcess(mpirun, ["-np", "\(ranks)", "--oversubscribe"] + exported + command, environment: environment, timeout: timeout)
    }

    /// Runs `executable` to completion (killed after `timeout` seconds); its combined output,
    /// or an error holding it on failure.
    @discardableResult
    static func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           timeout: TimeInterval = 300) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0 else {
            throw DistributedError("\(([executable] + arguments).joined(separator: " ")) exited with \(process.terminationStatus):\n\(output.suffix(4000))")
        }
        return output
    }
}

/// The ranks of `MPIJob`s; skipped in ordinary test runs.
final class MPIRankWorker: XCTestCase {
    func testMLPRank() throws {
        let job = try MPIJob.currentJob(TrainingJob.self)
        let communicator = try CommunicatorEnvironment.current()
        XCTAssertTrue(communicator is MPICommunicator)
        try MPIJob.report(try runTraining(job, on: communicator), rank: communicator.rank, in: job.results)
    }

    func testCalmTinyRank() throws {
        let job = try MPIJob.currentJob(CalmTinyJob.self)
        let communicator = try CommunicatorEnvironment.current()
        try MPIJob.report(try runCalmTiny(job, on: communicator), rank: communicator.rank, in: job.folder)
    }

    /// Rank 1 fails; rank 0 waits in a barrier that only the abort can end.
    func testAbortRank() throws {
        _ = try MPIJob.currentJob(String.self)
        let communicator = try CommunicatorEnvironment.current()
        if communicator.rank == 1 { communicator.abort(exitCode: 3) }
        try communicator.barrier()
    }
}
