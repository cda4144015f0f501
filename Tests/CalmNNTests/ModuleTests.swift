import CalmAutograd
import CalmHDF5
import CalmTensor
import XCTest
@testable import CalmNN

final class ModuleTests: XCTestCase {
    private func block() -> TransformerBlock {
        var initializer = Initializer(seed: 7), rng = RandomGenerator(seed: 7)
        return TransformerBlock(dim: 8, heads: 2, mlpHidden: 16, using: &initializer)
    }

    func testParameterNamesAreHierarchicalAndOrdered() {
        XCTAssertEqual(block().parameters().map(\.name), [
            "norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.out.weight", "attn.out.bias",
            "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias",
        ])
        XCTAssertEqual(block().parameterCount, 2 * 8 + 24 * 8 + 24 + 8 * 8 + 8 + 2 * 8 + 16 * 8 + 16 + 8 * 16 + 8)
    }

    func testSameSeedSameInitialization() {
        XCTAssertEqual(block().stateDict()["attn.qkv.weight"]!.toArray(Float.self),
                       block().stateDict()["attn.qkv.weight"]!.toArray(Float.self))
        let bias = block().stateDict()["mlp.fc1.bias"]!.toArray(Float.self), norm = block().stateDict()["norm1.weight"]!
        XCTAssertEqual(bias, [Float](repeating: 0, count: 16))
        XCTAssertEqual(norm.toArray(Float.self), [Float](repeating: 1, count: 8))
    }

    func testFreezeByGlob() {
        let b = block()
        XCTAssertEqual(b.freeze("attn.*"), 4)
        XCTAssertEqual(b.parameters().filter { !$0.variable.requiresGrad }.map(\.name),
                       ["attn.qkv.weight", "attn.qkv.bias", "attn.out.weight", "attn.out.bias"])
        XCTAssertEqual(b.freeze("*.bias"), 6)
        XCTAssertEqual(b.unfreeze("*"), 12)
        XCTAssertTrue(b.parameters().allSatisfy { $0.variable.requiresGrad })
        for (pattern, name, expected) in [("a*c", "abc", true), ("a*c", "abd", false), ("*", "", true), ("x.*.y", "x.1.2.y", true),
                                          ("x.*.y", "x.y", false), ("mlp.fc?", "mlp.fc1", false)] {
            XCTAssertEqual(globMatches(pattern, name), expected, "\(pattern) ~ \(name)")
        }
    }

    func testTrainAndEvalReachDropout() {
        var initializer = Initializer(seed: 1), rng = RandomGenerator(seed: 1)
        let b = TransformerBlock(dim: 8, heads: 2, mlpHidden: 16, dropout: 0.5, using: &initializer)
        let x = Variable(Tensor.normal([1, 4, 8], using: &rng))
        b.eval()
        XCTAssertFalse(b.dropout.isTraining)
        XCTAssertEqual(b(x).value.toArray(Float.self), b(x).value.toArray(Float.self), "evaluation is deterministic")
        b.train()
        XCTAssertNotEqual(b(x).value.toArray(Float.self), b(x).value.toArray(Float.self), "training draws new masks")
    }

    private var temporary: String { NSTemporaryDirectory() + "calm-nn-\(getpid())-\(name.hashValue).h5" }

    func testWeightsRoundTripThroughHDF5() throws {
        let path = temporary
        defer { try? FileManager.default.removeItem(atPath: path) }
        let saved = block()
        try saved.saveWeights(to: path)
        let file = try HDF5File.open(path)
        XCTAssertEqual(try file.datasetInfo("/attn/qkv/weight").shape, [24, 8])
        try file.close()
        var initializer = Initializer(seed: 99), rng = RandomGenerator(seed: 99)
        let loaded = TransformerBlock(dim: 8, heads: 2, mlpHidden: 16, using: &initializer)
        try loaded.loadWeights(from: path)
        for (name, value) in saved.stateDict() {
            XCTAssertEqual(loaded.stateDict()[name]!.toArray(Float.self), value.toArray(Float.self), name)
        }
    }

    func testLoadErrorsNameTheTensors() throws {
        let good = block().stateDict()
        var missing = good; missing["mlp.fc2.bias"] = nil
        var extra = good; extra["mlp.fc3.bias"] = Tensor.zeros([8])
        var misshaped = good; misshaped["norm2.weight"] = Tensor.zeros([9])
        for (tensors, fragment) in [(missing, "missing 1 tensor(s): mlp.fc2.bias"), (extra, "unexpected tensor(s): mlp.fc3.bias"),
                                    (misshaped, "tensor norm2.weight has shape [9], the model expects [8]")] {
            XCTAssertThrowsError(try block().load(tensors, source: "w.h5")) { error in
                XCTAssertTrue("\(error)".hasPrefix("w.h5: ") && "\(error)".contains(fragment), "\(error)")
            }
        }
        XCTAssertNoThrow(try block().load(extra, source: "w.h5", strict: false))
        XCTAssertThrowsError(try block().loadWeights(from: "/nonexistent/w.h5"))
    }
}
