import Foundation

/// `MPI_COMM_WORLD` of the job `mpirun` started, through Open MPI loaded at run time.
///
/// MPI is initialized once per process, on first use of `world()`, and finalized when the
/// process exits. Errors come back as `DistributedError` (the communicator's error handler is
/// `MPI_ERRORS_RETURN`) instead of aborting the job.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// The thread support MPI granted (`MPI_Query_thread`): 0 single, 1 funneled, 2 serialized, 3 multiple.
    public let threadLevel: Int
    private let mpi: MPILibrary
    /// Open MPI takes `int` counts: larger buffers go in pieces.
    private static let maxCount = Int(Int32.max)

    private init(mpi: MPILibrary) throws {
        self.mpi = mpi
        var flag: Int32 = 0
        try mpi.check(mpi.initialized(&flag), "MPI_Initialized")
        if flag == 0 {
            var provided: Int32 = 0
            try mpi.check(mpi.initThread(nil, nil, MPILibrary.threadSerialized, &provided), "MPI_Init_thread")
            atexit { MPICommunicator.finalizeAtExit() }
        }
        var level: Int32 = 0
        try mpi.check(mpi.queryThread(&level), "MPI_Query_thread")
        threadLevel = Int(level)
        try mpi.check(mpi.setErrhandler(mpi.commWorld, mpi.errorsReturn), "MPI_Comm_set_errhandler")
        var value: Int32 = 0
        try mpi.check(mpi.commRank(mpi.commWorld, &value), "MPI_Comm_rank")
        rank = Int(value)
        try mpi.check(mpi.commSize(mpi.commWorld, &value), "MPI_Comm_size")
        size = Int(value)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: Result<MPICommunicator, Error>?

    /// The world communicator (initializing MPI the first time); throws when Open MPI cannot be loaded.
    public static func world() throws -> MPICommunicator {
        lock.lock()
        defer { lock.unlock() }
        if shared == nil { shared = Result { try MPICommunicator(mpi: MPILibrary()) } }
        return try shared!.get()
    }

    private static func finalizeAtExit() {
        guard case .success(let world)? = shared else { return }
        var done: Int32 = 0
        _ = world.mpi.finalized(&done)
        if done == 0 { _ = world.mpi.finalize() }
    }

    public var allowsCollectivesFromAnotherThread: Bool { threadLevel >= Int(MPILibrary.threadSerialized) }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try allreduce(UnsafeMutableRawBufferPointer(buffer), elementSize: MemoryLayout<Float>.stride, type: mpi.float)
    }

    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try allreduce(UnsafeMutableRawBufferPointer(buffer), elementSize: MemoryLayout<Double>.stride, type: mpi.double)
    }

    private func allreduce(_ bytes: UnsafeMutableRawBufferPointer, elementSize: Int, type: MPILibrary.Handle) throws {
        let count = bytes.count / elementSize
        for start in stride(from: 0, to: count, by: Self.maxCount) {
            let n = min(Self.maxCount, count - start)
            try mpi.check(mpi.allreduce(MPILibrary.inPlace, bytes.baseAddress! + start * elementSize, Int32(n), type, mpi.sum, mpi.commWorld),
                          "MPI_Allreduce of \(n) elements")
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard (0..<size).contains(root) else { throw DistributedError("broadcast from rank \(root) in a group of \(size)") }
        for start in stride(from: 0, to: buffer.count, by: Self.maxCount) {
            let n = min(Self.maxCount, buffer.count - start)
            try mpi.check(mpi.bcast(buffer.baseAddress! + start, Int32(n), mpi.byte, Int32(root), mpi.commWorld), "MPI_Bcast of \(n) bytes")
        }
    }

    public func barrier() throws {
        try mpi.check(mpi.barrier(mpi.commWorld), "MPI_Barrier")
    }

    public func abort(exitCode: Int32) -> Never {
        _ = mpi.abort(mpi.commWorld, exitCode)
        _exit(exitCode)  // MPI_Abort does not return; should it, leave without finalizing
    }
}
