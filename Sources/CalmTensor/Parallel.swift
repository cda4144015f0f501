import Foundation

/// When and how the kernels split work across cores. Below `minimumElements` threading
/// loses to its own overhead on this machine kind (platform-notes), so small tensors stay serial.
public enum Parallel {
    /// Smallest element count worth splitting across threads.
    nonisolated(unsafe) public static var minimumElements = 1 << 17
    /// Most threads one kernel uses.
    nonisolated(unsafe) public static var maxThreads = ProcessInfo.processInfo.activeProcessorCount

    /// Batched products of at most this m·n·k run one per core (OpenBLAS single-threaded)
    /// rather than one after another with OpenBLAS threads inside each small call.
    nonisolated(unsafe) public static var smallGemmVolume = 128 * 128 * 128
    /// Smallest total batch·m·n·k worth that split.
    nonisolated(unsafe) public static var minimumGemmWork = 1 << 23

    /// A lower limit than `maxThreads` for kernels called from the current thread (task-local,
    /// so concurrent batch shards each keep to their own core without touching the global).
    @TaskLocal static var threadLimit: Int?

    /// Most threads one kernel called from this thread uses.
    public static var threads: Int { threadLimit.map { Swift.min($0, maxThreads) } ?? maxThreads }

    /// Runs `body` with kernels on this thread limited to `count` threads.
    public static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $threadLimit.withValue(count, operation: body)
    }

    /// How many chunks to cut `elements` of work into.
    public static func chunkCount(elements: Int, splittable: Int) -> Int {
        guard elements >= minimumElements, splittable >= 2 else { return 1 }
        return Swift.min(threads, splittable)
    }

    /// Runs `body(chunk)` for chunk in 0..<chunks, concurrently when there are several.
    public static func run(_ chunks: Int, _ body: (Int) -> Void) {
        if chunks <= 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: body) }
    }

    /// Indices of `sizes` split into at most `threads` groups of about equal total size (largest
    /// first, each to the lightest group): for many independent pieces of work, most of them too
    /// small to split on their own.
    public static func balancedGroups(_ sizes: [Int]) -> [[Int]] {
        var groups = [[Int]](repeating: [], count: Swift.max(1, Swift.min(threads, sizes.count)))
        var totals = [Int](repeating: 0, count: groups.count)
        for i in sizes.indices.sorted(by: { sizes[$0] > sizes[$1] }) {
            let lightest = totals.indices.min { totals[$0] < totals[$1] }!
            groups[lightest].append(i)
            totals[lightest] += sizes[i]
        }
        return groups
    }

    /// The half-open range of `0..<n` that chunk `i` of `chunks` owns.
    public static func range(_ i: Int, of chunks: Int, total n: Int) -> Range<Int> {
        (n * i / chunks)..<(n * (i + 1) / chunks)
    }
}
