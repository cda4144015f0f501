import Foundation

/// The collective operations data-parallel training needs, over a fixed group of processes
/// ("ranks"). Every rank must call the same collectives in the same order with the same
/// element counts; they block until all ranks have joined.
///
/// `SingleProcess` is the group of one (plain `calm`); `MPICommunicator` spans the ranks an
/// `mpirun` started. Code written against this protocol runs unchanged in both.
public protocol Communicator: AnyObject {
    /// This process's index in the group, 0..<size.
    var rank: Int { get }
    /// Number of processes in the group.
    var size: Int { get }
    /// Replaces every element of `buffer` with its sum over all ranks.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    /// Replaces every element of `buffer` with its sum over all ranks.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws
    /// Copies `root`'s bytes into `buffer` on every other rank.
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Whether a thread other than the one that created the communicator may run its
    /// collectives (one thread at a time): what overlapping communication with backward needs.
    var allowsCollectivesFromAnotherThread: Bool { get }
    /// Ends every rank of the group with `exitCode`: for a failure on one rank, which would
    /// otherwise leave the others waiting in their next collective forever.
    func abort(exitCode: Int32) -> Never
}

extension Communicator {
    /// Rank 0 writes checkpoints and logs.
    public var isRoot: Bool { rank == 0 }

    /// The sum of `values` over all ranks (`values` has the same length on every rank).
    public func allreduceSum(_ values: [Double]) throws -> [Double] {
        var out = values
        try out.withUnsafeMutableBufferPointer { try allreduceSum($0) }
        return out
    }
}

/// The group of one: every collective is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard root == 0 else { throw DistributedError("broadcast from rank \(root) in a group of one") }
    }
    public func barrier() throws {}
    public var allowsCollectivesFromAnotherThread: Bool { true }
    public func abort(exitCode: Int32) -> Never { exit(exitCode) }
}
