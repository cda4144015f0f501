import CalmTensor
import Foundation

/// Chooses the communicator for this process from how it was started.
public enum CommunicatorEnvironment {
    /// Variables a launcher sets for each rank: Open MPI's `mpirun`, then PMI launchers (srun, Hydra).
    static let sizeVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"]

    /// The number of ranks the launcher announced, or nil when not started by one.
    public static func launchedSize(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        sizeVariables.lazy.compactMap { environment[$0].flatMap(Int.init) }.first
    }

    /// `MPICommunicator.world()` when started by a launcher (even with one rank, so that a
    /// broken MPI installation is reported rather than silently ignored), `SingleProcess` otherwise.
    public static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Communicator {
        guard let expected = launchedSize(environment) else { return SingleProcess() }
        let world = try MPICommunicator.world()
        guard world.size == expected else {
            throw DistributedError("the launcher announced \(expected) ranks but MPI_COMM_WORLD has \(world.size) "
                + "(is mpirun from the same MPI as \(MPILibrary.candidates[0])?)")
        }
        return world
    }

    /// Ranks the launcher placed on this machine (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`,
    /// Hydra's `MPI_LOCALNRANKS`), 1 when not started by one.
    public static func localRanks(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"].lazy.compactMap { environment[$0].flatMap(Int.init) }.first ?? 1
    }

    /// Whether to overlap the gradient allreduce with backward. It pays when ranks span several
    /// machines (the network card moves the buckets while the cores compute); with every rank on
    /// one machine the shared-memory allreduce takes CPU from backward and steps get slower
    /// (measured: Sources/CalmDistributed/README.md). `CALM_OVERLAP=1` or `0` decides explicitly.
    public static func overlapsBackward(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        switch environment["CALM_OVERLAP"] {
        case "1": return true
        case "0": return false
        default: return (launchedSize(environment) ?? 1) > localRanks(environment)
        }
    }

    /// Gives each rank on this machine an equal share of its cores for OpenBLAS and the
    /// kernels, so that ranks do not oversubscribe them (nested threading loses badly). An
    /// explicit `OPENBLAS_NUM_THREADS` wins. Returns the threads per rank.
    @discardableResult
    public static func shareCores(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let threads = environment["OPENBLAS_NUM_THREADS"].flatMap(Int.init)
            ?? max(1, ProcessInfo.processInfo.activeProcessorCount / localRanks(environment))
        Parallel.maxThreads = threads
        BLAS.threads = threads
        return threads
    }
}
