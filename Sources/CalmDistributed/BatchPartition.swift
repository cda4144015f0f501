/// How a global batch is split among ranks: rank r takes the r-th of `ranks` contiguous,
/// nearly equal slices (sizes differ by at most one, earlier ranks take the extra ones).
///
/// The union of the ranks' slices is the global batch, in order, so N ranks with b samples
/// each see exactly the batch of N·b that one process would; and since only the global
/// cursor is saved, a run may resume with a different number of ranks.
public enum BatchPartition {
    /// The positions within a global batch of `count` samples that `rank` of `ranks` takes.
    public static func share(of rank: Int, ranks: Int, count: Int) -> Range<Int> {
        precondition(ranks > 0 && (0..<ranks).contains(rank) && count >= 0,
                     "BatchPartition: rank \(rank) of \(ranks), batch of \(count)")
        let base = count / ranks, extra = count % ranks
        let start = rank * base + min(rank, extra)
        return start..<start + base + (rank < extra ? 1 : 0)
    }
}
