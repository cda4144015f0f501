import CHDF5
import HDF5Shim

/// The HDF5 library underneath shards and checkpoints.
public enum HDF5Library {
    /// "major.minor.release" of the libhdf5 loaded at run time.
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }

    /// Opens the library and silences its stderr error printing (statuses are checked instead).
    /// The setting belongs to the calling thread's error stack, so every entry point calls this.
    static func initialize() { calm_h5_silence_errors() }
}
