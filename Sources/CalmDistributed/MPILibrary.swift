import Foundation

/// Open MPI's C interface, loaded at run time with `dlopen`, so that `calm` builds and runs
/// without MPI and the same binary becomes one rank of a job when started by `mpirun`.
///
/// Only the handful of functions data parallelism needs are bound. Open MPI's handles
/// (`MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM`, ...) are the addresses of exported globals
/// (`ompi_mpi_comm_world`, ...), which `dlsym` returns directly.
final class MPILibrary {
    typealias Handle = UnsafeMutableRawPointer
    typealias InitThread = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?,
                                           Int32, UnsafeMutablePointer<Int32>) -> Int32
    typealias Flag = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    typealias QueryThread = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    typealias CommInt = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
    typealias Allreduce = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) -> Int32
    typealias Bcast = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle) -> Int32
    typealias CommOnly = @convention(c) (Handle) -> Int32
    typealias SetErrhandler = @convention(c) (Handle, Handle) -> Int32
    typealias Finalize = @convention(c) () -> Int32
    typealias Abort = @convention(c) (Handle, Int32) -> Int32
    typealias ErrorString = @convention(c) (Int32, UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32

    /// Shared-object names tried in order: the Debian/Open MPI 4-5 soname, then the dev symlink.
    static let candidates = ["libmpi.so.40", "libmpi.so"]
    /// `MPI_THREAD_SERIALIZED`: any thread may call MPI, one at a time.
    static let threadSerialized: Int32 = 2
    /// `MPI_IN_PLACE` in Open MPI.
    static let inPlace = UnsafeRawPointer(bitPattern: 1)

    let initThread: InitThread
    let initialized: Flag
    let queryThread: QueryThread
    let finalized: Flag
    let commRank: CommInt
    let commSize: CommInt
    let allreduce: Allreduce
    let bcast: Bcast
    let barrier: CommOnly
    let setErrhandler: SetErrhandler
    let finalize: Finalize
    let abort: Abort
    let errorString: ErrorString

    let commWorld: Handle
    let float: Handle
    let double: Handle
    let byte: Handle
    let sum: Handle
    let errorsReturn: Handle

    /// Loads Open MPI, or throws naming what is missing.
    init() throws {
        // RTLD_GLOBAL: Open MPI's own plug-ins resolve libmpi's symbols from the global scope.
        var tried: [String] = []
        var library: UnsafeMutableRawPointer?
        for name in MPILibrary.candidates {
            library = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if library != nil { break }
            tried.append(String(cString: dlerror()))
        }
        guard let library else {
            throw DistributedError("cannot load Open MPI (install openmpi-bin / libopenmpi-dev): \(tried.joined(separator: "; "))")
        }
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let address = dlsym(library, name) else { throw DistributedError("Open MPI library lacks the symbol \(name)") }
            return address
        }
        func function<F>(_ name: String, _ type: F.Type) throws -> F { unsafeBitCast(try symbol(name), to: type) }
        initThread = try function("MPI_Init_thread", InitThread.self)
        initialized = try function("MPI_Initialized", Flag.self)
        queryThread = try function("MPI_Query_thread", QueryThread.self)
        finalized = try function("MPI_Finalized", Flag.self)
        commRank = try function("MPI_Comm_rank", CommInt.self)
        commSize = try function("MPI_Comm_size", CommInt.self)
        allreduce = try function("MPI_Allreduce", Allreduce.self)
        bcast = try function("MPI_Bcast", Bcast.self)
        barrier = try function("MPI_Barrier", CommOnly.self)
        setErrhandler = try function("MPI_Comm_set_errhandler", SetErrhandler.self)
        finalize = try function("MPI_Finalize", Finalize.self)
        abort = try function("MPI_Abort", Abort.self)
        errorString = try function("MPI_Error_string", ErrorString.self)
        commWorld = try symbol("ompi_mpi_comm_world")
        float = try symbol("ompi_mpi_float")
        double = try symbol("ompi_mpi_double")
        byte = try symbol("ompi_mpi_byte")
        sum = try symbol("ompi_mpi_op_sum")
        errorsReturn = try symbol("ompi_mpi_errors_return")
    }

    /// Throws unless `code` is `MPI_SUCCESS`, with MPI's own words for the failure of `call`.
    func check(_ code: Int32, _ call: String) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)  // MPI_MAX_ERROR_STRING is 256
        var length: Int32 = 0
        let described = errorString(code, &text, &length) == 0
        throw DistributedError("\(call) failed: " + (described ? String(cString: text) : "MPI error \(code)"))
    }
}
