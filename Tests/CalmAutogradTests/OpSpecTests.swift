import XCTest
@testable import CalmAutograd
import CalmTensor

/// Drives every op case of every fixture family through a float64 gradient check and a
/// float32 forward+backward comparison with PyTorch.
final class OpSpecTests: XCTestCase {
    private static let cases = Result { try SpecCase.loadAll() }
    private let specs = Dictionary(uniqueKeysWithValues: allOpSpecs.map { ($0.name, $0) })

    private func loadCases() throws -> [SpecCase] {
        let cases = try Self.cases.get()
        XCTAssertFalse(cases.isEmpty, "no *_ops.json fixtures found")
        return cases
    }

    func testEverySpecHasCasesAndEveryCaseHasASpec() throws {
        let used = Set(try loadCases().map(\.spec))
        XCTAssertEqual(used.subtracting(specs.keys), [], "cases name specs missing from allOpSpecs")
        XCTAssertEqual(Set(specs.keys).subtracting(used), [], "specs without a case in any *_ops.json")
        XCTAssertEqual(allOpSpecs.count, specs.count, "duplicate spec names")
    }

    func testEveryRegisteredOpIsExercised() throws {
        var exercised: Set<String> = []
        for c in try loadCases() {
            guard let spec = specs[c.spec] else { continue }
            exercised.formUnion(recordedOps(spec.build(c.inputs.map { Variable($0, requiresGrad: $0.dtype.isFloatingPoint) }, c.attributes)))
        }
        XCTAssertEqual(Set(OpRegistry.names).subtracting(exercised), [], "registered ops that no case records")
        XCTAssertEqual(OpRegistry.names.count, Set(OpRegistry.names).count, "duplicate op names in the registry")
    }

    func testGradientsMatchFiniteDifferences() throws {
        for c in try loadCases() {
            guard let spec = specs[c.spec] else { continue }
            let failures = gradientCheck(spec, c)
            XCTAssert(failures.isEmpty, failures.prefix(5).joined(separator: "\n"))
        }
    }

    func testForwardAndBackwardMatchPyTorch() throws {
        for c in try loadCases() {
            guard let spec = specs[c.spec] else { continue }
            let inputs = c.inputs.map { Variable($0, requiresGrad: $0.dtype.isFloatingPoint) }
            let output = spec.build(inputs, c.attributes)
            XCTAssertEqual(output.dtype, .float32, "\(c.name): output dtype")
            var failures = mismatches("\(c.name) output", output.value, c.output, spec.parity)
            output.backward(seed: c.cotangent)
            for (i, expected) in c.grads.enumerated() {
                guard let expected else { continue }
                guard let grad = inputs[i].grad else { failures.append("\(c.name): no grad for input \(i)"); continue }
                failures += mismatches("\(c.name) grad \(i)", grad, expected, spec.parity)
            }
            XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        }
    }
}
