import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmNN

final class AttentionTests: XCTestCase {
    /// Decoding with the KV cache, a few positions at a time, reproduces the causal
    /// attention over the whole sequence (GQA and rotary positions included).
    func testKVCacheMatchesFullCausalAttention() {
        var initializer = Initializer(seed: 3), rng = RandomGenerator(seed: 3)
        let attention = Attention(dim: 16, heads: 4, kvHeads: 2, bias: false, outName: "o", using: &initializer)
        XCTAssertEqual(attention.parameters().map(\.name), ["q.weight", "k.weight", "v.weight", "o.weight"])
        XCTAssertEqual(attention.k!.weight.shape, [8, 16])
        let x = Variable(Tensor.normal([2, 6, 16], using: &rng))
        let full = attention(x, causal: true, ropeTheta: 10_000).value
        let cache = KVCache()
        let pieces = [0..<3, 3..<4, 4..<6].map { range in
            attention(x.slice(axis: 1, range), causal: true, ropeTheta: 10_000, cache: cache).value
        }
        XCTAssertEqual(cache.length, 6)
        let incremental = Tensor.cat(pieces, axis: 1).toArray(Float.self), expected = full.toArray(Float.self)
        for (a, b) in zip(incremental, expected) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    /// The fused qkv layout equals separate projections cut from its rows (q, k, v stacked).
    func testFusedQKVEqualsSeparateProjections() throws {
        var initializer = Initializer(seed: 4), rng = RandomGenerator(seed: 4)
        let fused = Attention(dim: 8, heads: 2, fusedQKV: true, using: &initializer)
        let separate = Attention(dim: 8, heads: 2, using: &initializer)
        let w = fused.qkv!.weight.value, b = fused.qkv!.bias!.value
        var tensors = [String: Tensor]()
        for (i, name) in ["q", "k", "v"].enumerated() {
            tensors["\(name).weight"] = w.slice(axis: 0, (8 * i)..<(8 * i + 8)).contiguous()
            tensors["\(name).bias"] = b.slice(axis: 0, (8 * i)..<(8 * i + 8)).contiguous()
        }
        tensors["out.weight"] = fused.out.weight.value
        tensors["out.bias"] = fused.out.bias!.value
        try separate.load(tensors, source: "fused")
        let x = Variable(Tensor.normal([2, 5, 8], using: &rng))
        for (a, b) in zip(fused(x).value.toArray(Float.self), separate(x).value.toArray(Float.self)) {
            XCTAssertEqual(a, b, accuracy: 1e-5)
        }
    }
    /// Queries from a suffix only (the last layer under a loss on late positions) give the
    /// suffix of full causal attention, with a key mask and rotary positions, for both layouts.
    func testQueriesFromASuffixMatchTheFullAttention() {
        var initializer = Initializer(seed: 5), rng = RandomGenerator(seed: 5)
        let layouts = [Attention(dim: 16, heads: 4, kvHeads: 2, bias: false, outName: "o", using: &initializer),
                       Attention(dim: 16, heads: 4, fusedQKV: true, using: &initializer)]
        let x = Variable(Tensor.normal([2, 7, 16], using: &rng))
        let allowed = (0..<2 * 7 * 7).map { $0 % 5 == 1 ? UInt8(0) : UInt8(1) }  // hides some keys
        let mask = Tensor(allowed, shape: [2, 1, 7, 7])
        for attention in layouts {
            let full = attention(x, causal: true, mask: mask, ropeTheta: 10_000).value
            for start in [1, 4, 6] {
                let suffix = attention(x, causal: true, mask: mask, ropeTheta: 10_000, queriesFrom: start).value
                XCTAssertEqual(suffix.shape, [2, 7 - start, 16])
                let expected = full.slice(axis: 1, start..<7).contiguous().toArray(Float.self)
                for (a, b) in zip(suffix.toArray(Float.self), expected) { XCTAssertEqual(a, b, accuracy: 1e-5, "from \(start)") }
            }
        }
    }
}
