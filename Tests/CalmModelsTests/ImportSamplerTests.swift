import XCTest
@testable import CalmModels

/// Greedy, temperature and nucleus sampling against their closed-form distributions.
final class ImportSamplerTests: XCTestCase {
    let logits: [Float] = [1.0, 3.0, 2.0, 0.5]

    func frequencies(_ sampler: inout Sampler, draws: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: logits.count)
        for _ in 0..<draws { counts[sampler.next(logits)] += 1 }
        return counts.map { $0 / Double(draws) }
    }

    func softmax(_ logits: [Float], temperature: Double) -> [Double] {
        let e = logits.map { exp(Double($0) / temperature) }
        return e.map { $0 / e.reduce(0, +) }
    }

    func testGreedyTakesTheArgmaxAndTheLowestIdOnTies() {
        var sampler = Sampler.greedy
        XCTAssertEqual(sampler.next(logits), 1)
        XCTAssertEqual(sampler.next([0, 2, 2, 1]), 1)
    }

    func testTemperatureSamplesTheScaledSoftmax() {
        for temperature in [0.5, 1.0, 2.0] {
            var sampler = Sampler(temperature: temperature, topP: 1, seed: 5)
            let observed = frequencies(&sampler, draws: 20_000), expected = softmax(logits, temperature: temperature)
            for (o, e) in zip(observed, expected) { XCTAssertEqual(o, e, accuracy: 0.015, "temperature \(temperature)") }
        }
    }

    func testTopPKeepsTheSmallestNucleusAndRenormalizes() {
        // At temperature 1 the probabilities are 0.085, 0.631, 0.232, 0.052: top-p 0.8 keeps ids 1 and 2.
        var sampler = Sampler(temperature: 1, topP: 0.8, seed: 9)
        let observed = frequencies(&sampler, draws: 20_000), p = softmax(logits, temperature: 1)
        XCTAssertEqual(observed[0], 0)
        XCTAssertEqual(observed[3], 0)
        XCTAssertEqual(observed[1], p[1] / (p[1] + p[2]), accuracy: 0.015)
        // A nucleus smaller than the top token still keeps the top token.
        var narrow = Sampler(temperature: 1, topP: 0.01, seed: 1)
        XCTAssertEqual(frequencies(&narrow, draws: 100)[1], 1)
    }
}
