import Foundation

/// The overlapped side of `DataParallel`: counts the parameters of each bucket that backward
/// has finished and queues every complete bucket's allreduce on the communication queue, in
/// plan order (a bucket completed early waits for the ones before it, since every rank must
/// run the same collectives in the same order).
///
/// Only the queue's thread runs collectives until `finish` returns, which is what
/// `MPI_THREAD_SERIALIZED` allows.
struct BucketSender {
    private let communication: DispatchQueue
    /// Packs bucket `index` (on the calling thread) and returns its allreduce (for the queue).
    private let send: (Int) -> () throws -> Void
    private var unfinished: [Int]
    private var nextToSend = 0
    private let failure = FirstFailure()

    init(plan: GradientBucketPlan, communication: DispatchQueue, send: @escaping (Int) -> () throws -> Void) {
        self.communication = communication
        self.send = send
        unfinished = plan.buckets.map(\.slots.count)
    }

    /// One parameter of bucket `index` has its final gradient.
    mutating func parameterFinal(inBucket index: Int) {
        unfinished[index] -= 1
        while nextToSend < unfinished.count, unfinished[nextToSend] == 0 {
            let allreduce = send(nextToSend)
            communication.async { [failure] in failure.run(allreduce) }
            nextToSend += 1
        }
    }

    /// Sends the buckets still open (their remaining parameters got no gradient from this
    /// backward), waits for every allreduce, and rethrows the first failure.
    mutating func finish() throws {
        for index in unfinished.indices where unfinished[index] > 0 {
            unfinished[index] = 1
            parameterFinal(inBucket: index)
        }
        communication.sync {}
        if let error = failure.error { throw error }
    }
}

/// The first error of the queued allreduces; later ones are skipped (the job is broken then).
/// Touched only on the serial queue, and read after `sync` on it.
private final class FirstFailure {
    var error: Error?
    func run(_ work: () throws -> Void) {
        guard error == nil else { return }
        do { try work() } catch { self.error = error }
    }
}
