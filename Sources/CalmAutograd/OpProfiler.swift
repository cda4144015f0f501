import Foundation

/// Opt-in wall time per op name, forward and backward (`calm bench train --profile`): off, it
/// costs one flag test per op. Totals take no lock: profile one thread's ops at a time (the
/// benchmark profiles an unsharded step, not `ShardedBackward`'s concurrent shards).
public enum OpProfiler {
    /// Time spent in one op name.
    public struct Total {
        public var forward = 0.0, backward = 0.0, calls = 0
    }

    nonisolated(unsafe) public static var isEnabled = false
    nonisolated(unsafe) public private(set) static var totals: [String: Total] = [:]

    public static func reset() { totals = [:] }

    /// Runs `body`, adding its wall time to `name`'s forward or backward total when enabled.
    @inline(__always)
    static func measure<R>(_ name: String, backward: Bool, _ body: () -> R) -> R {
        guard isEnabled else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if backward { totals[name, default: Total()].backward += elapsed } else {
            totals[name, default: Total()].forward += elapsed
            totals[name, default: Total()].calls += 1
        }
        return result
    }
}
