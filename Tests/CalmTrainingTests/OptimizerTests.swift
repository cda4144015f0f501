import CalmAutograd
import CalmTensor
import XCTest
@testable import CalmTraining

final class OptimizerTests: XCTestCase {
    /// Five AdamW steps on fixed gradients match torch.optim.AdamW (Scripts/fixtures/adamw_golden.py):
    /// parameters and both moments, one tensor with weight decay and one without.
    func testAdamWMatchesTorch() throws {
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixturePath("adamw_golden.json")))) as! [String: Any]
        let shapes = golden["shapes"] as! [String: [Int]], decays = golden["decays"] as! [String: Bool]
        let initial = golden["initial"] as! [String: [Double]], betas = golden["betas"] as! [Double]
        let names = shapes.keys.sorted()
        let variables = Dictionary(uniqueKeysWithValues: names.map { name in
            (name, Variable.parameter(Tensor(initial[name]!.map { Float($0) }, shape: shapes[name]!), name: name))
        })
        let optimizer = AdamW(names.map { ($0, variables[$0]!, decays[$0]!) },
                              hyper: .init(beta1: betas[0], beta2: betas[1], eps: golden["eps"] as! Double,
                                           weightDecay: golden["weight_decay"] as! Double))
        for (index, step) in (golden["steps"] as! [[String: Any]]).enumerated() {
            let grads = step["grads"] as! [String: [Double]]
            for name in names { variables[name]!.grad = Tensor(grads[name]!.map { Float($0) }, shape: shapes[name]!) }
            optimizer.step(lr: step["lr"] as! Double)
            let slots: [String: AdamW.Slot] = Dictionary(uniqueKeysWithValues: optimizer.slots.map { ($0.name, $0) })
            for name in names {
                for (label, actual, expected) in [("param", variables[name]!.value, step["params"]),
                                                  ("m", slots[name]!.m, step["m"]), ("v", slots[name]!.v, step["v"])] {
                    let want = (expected as! [String: [Double]])[name]!
                    for (a, e) in zip(actual.toDoubles(), want) {
                        XCTAssertEqual(a, e, accuracy: 1e-6 * max(1, abs(e)), "step \(index + 1) \(label) of \(name)")
                    }
                }
            }
        }
    }

    /// The schedule against its closed forms: warm-up ramp, peak after warm-up, floor at the last step.
    func testScheduleClosedForms() {
        let peak = 1e-3, ratio = 0.1, floor = peak * ratio
        let cases: [(Recipe.Schedule.Decay, Int, Double)] = [
            (.cosine, 0, peak / 4), (.cosine, 3, peak), (.cosine, 4, peak),
            (.cosine, 14, floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * 10 / 20))), (.cosine, 24, floor), (.cosine, 30, floor),
            (.linear, 1, peak / 2), (.linear, 14, peak - (peak - floor) * 0.5), (.linear, 24, floor),
            (.constant, 0, peak / 4), (.constant, 20, peak),
        ]
        for (decay, step, expected) in cases {
            let schedule = LearningRateSchedule(peak: peak, warmupSteps: 4, totalSteps: 25, decay: decay, minRatio: ratio)
            XCTAssertEqual(schedule.rate(atStep: step), expected, accuracy: 1e-15, "\(decay) at step \(step)")
        }
    }

    /// Clipping scales by max/(norm + 1e-6) only above the threshold, like torch's clip_grad_norm_.
    func testGlobalNormClipping() {
        let a = Variable.parameter(.zeros([2]), name: "a"), b = Variable.parameter(.zeros([1]), name: "b")
        for (maxNorm, scale) in [(2.5, 2.5 / (5 + 1e-6)), (10, 1), (0, 1)] as [(Double, Double)] {
            a.grad = Tensor([3, 0] as [Float]); b.grad = Tensor([4] as [Float])
            let norm = GradientClipping.globalNorm([a, b])
            XCTAssertEqual(norm, 5)
            GradientClipping.clip([a, b], norm: norm, maxNorm: maxNorm)
            XCTAssertEqual(a.grad!.toDoubles()[0], 3 * scale, accuracy: 1e-6, "max norm \(maxNorm)")
            XCTAssertEqual(b.grad!.toDoubles()[0], 4 * scale, accuracy: 1e-6, "max norm \(maxNorm)")
        }
        b.grad = Tensor([Float.nan])
        XCTAssertTrue(GradientClipping.globalNorm([a, b]).isNaN)
    }
}
