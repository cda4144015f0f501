import Foundation

/// A 64-byte aligned block of memory shared by a tensor and all views of it.
public final class TensorStorage: @unchecked Sendable {
    /// The first byte; aligned to 64 bytes so SIMD loads never split cache lines.
    public let pointer: UnsafeMutableRawPointer
    /// Size of the block in bytes.
    public let byteCount: Int

    /// Allocates `byteCount` bytes, zero-filled when `zeroed`.
    public init(byteCount: Int, zeroed: Bool = false) {
        var raw: UnsafeMutableRawPointer?
        let size = max(byteCount, 64)
        guard posix_memalign(&raw, 64, size) == 0, let raw else {
            fatalError("TensorStorage: cannot allocate \(byteCount) bytes")
        }
        if zeroed { memset(raw, 0, size) }
        pointer = raw
        self.byteCount = byteCount
    }

    deinit { free(pointer) }
}
