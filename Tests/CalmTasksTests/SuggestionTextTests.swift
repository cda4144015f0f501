import XCTest
@testable import CalmTasks

final class SuggestionTextTests: XCTestCase {
    /// Free phrasings a model might write, and what they must parse to.
    func testParsesFreePhrasings() {
        let cases: [(text: String, kind: CorrectionKind, amount: Double)] = [
            ("Brighten the photo by about 1.5 stops.", .exposure, 1.5),
            ("The image is underexposed", .exposure, 1),
            ("It looks overexposed; darken it slightly.", .exposure, -1),
            ("Lower the exposure by 0.7 EV", .exposure, -0.7),
            ("Increase the contrast.", .contrast, 0.5),
            ("Reduce the contrast a little", .contrast, -0.25),
            ("Make the colours more vivid strongly.", .saturation, 1),
            ("Desaturate the colors", .saturation, -0.5),
            ("Warm up the colours slightly.", .temperature, 0.075),
            ("Cool down the white balance", .temperature, -0.15),
            ("Straighten the horizon by rotating it 4 degrees clockwise.", .straighten, -4),
            ("Rotate 3° counter-clockwise to level the horizon", .straighten, 3),
            ("Crop the photo to put the subject on a third.", .cropToThirds, 0),
            ("Reduce the noise.", .reduceNoise, 1),
            ("There is a lot of grain", .reduceNoise, 2),
            ("Sharpen the details", .sharpen, 1),
            ("The subject is blurry.", .sharpen, 1),
        ]
        for (text, kind, amount) in cases {
            let parsed = SuggestionText.firstCorrection(in: text)
            XCTAssertEqual(parsed?.kind, kind, text)
            XCTAssertEqual(parsed?.amount ?? .nan, amount, accuracy: 1e-9, text)
        }
    }

    func testIgnoresSentencesWithoutAKnownEdit() {
        XCTAssertEqual(SuggestionText.corrections(in: "A lovely photo. Nothing to change!"), [])
        XCTAssertEqual(SuggestionText.corrections(in: "A nice scene. Reduce the noise. Then increase the contrast.").map(\.kind),
                       [.reduceNoise, .contrast])
    }

    /// Every benchmark answer parses back to a correction that undoes its degradation, with the
    /// amount it names (exposure to 0.1 stop, rotation to a degree, the rest within a factor of 2).
    func testCanonicalSentencesParseBack() {
        for kind in Degradation.Kind.allCases {
            for strength in stride(from: 0.0, through: 1.0, by: 0.25) {
                let degradation = Degradation(kind, strength: strength)
                let sentence = SuggestionText.sentence(for: degradation.inverse)
                guard let parsed = SuggestionText.firstCorrection(in: sentence) else {
                    XCTFail("no correction in '\(sentence)'")
                    continue
                }
                XCTAssertTrue(degradation.isUndone(by: parsed), sentence)
                let target = degradation.inverse.amount
                switch parsed.kind {
                case .exposure: XCTAssertEqual(parsed.amount, target, accuracy: 0.051, sentence)
                case .straighten: XCTAssertEqual(parsed.amount, target, accuracy: 0.5, sentence)
                default: XCTAssertLessThanOrEqual(abs(log2(parsed.amount / target)), 1, sentence)
                }
            }
        }
    }
}

final class SuggestingReportTests: XCTestCase {
    func outcome(_ suggestion: String, _ degradation: Degradation, before: Double, after: Double) -> SuggestionOutcome {
        SuggestionOutcome(id: suggestion, suggestion: suggestion, corrections: SuggestionText.corrections(in: suggestion),
                          scoreBefore: before, scoreAfter: after, degradation: degradation)
    }

    /// Inverse named, wrong direction, wrong kind, nothing parsed: rates 1/4 and 3/4, gain mean.
    func testRatesAndGain() throws {
        let dark = Degradation(.underexposed, strength: 0.5)
        let report = try SuggestingReport([
            outcome("Brighten the photo.", dark, before: 4, after: 6),
            outcome("Darken the photo.", dark, before: 4, after: 3),
            outcome("Sharpen the details.", dark, before: 4, after: 4.5),
            outcome("Lovely.", dark, before: 4, after: 4),
        ], oracleGains: [1, 3])
        XCTAssertEqual(report.count, 4)
        XCTAssertEqual(report.inverseRate, 0.25)
        XCTAssertEqual(report.parsedRate, 0.75)
        XCTAssertEqual(report.meanGain, 1.5 / 4)
        XCTAssertEqual(report.oracleGain, 2)
        XCTAssertThrowsError(try SuggestingReport([]))
    }
}
