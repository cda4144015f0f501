import CalmImage
import Foundation
import XCTest
@testable import CalmSelfSupervision

final class TextGuidanceTests: XCTestCase {
    private let parser = LevelParser()

    func testEveryLevelHasAtLeastFiveParaphrases() {
        for attribute in Attribute.allCases {
            XCTAssertEqual(Grammar.phrases(attribute).count, attribute.levels.count, "\(attribute)")
            for level in attribute.levels {
                let sentences = SentenceRenderer.templateSentences(attribute, level: level)
                XCTAssertGreaterThanOrEqual(Set(sentences).count, 5, "\(attribute) \(level)")
            }
        }
    }

    func testPhrasesAreUniqueAcrossAllAttributes() {
        var seen: [[String]: String] = [:]
        for attribute in Attribute.allCases {
            for (level, phrases) in zip(attribute.levels, Grammar.phrases(attribute)) {
                for phrase in phrases {
                    let words = LevelParser.words(phrase)
                    XCTAssertNil(seen[words], "'\(phrase)' of \(attribute) \(level) also names \(seen[words] ?? "")")
                    seen[words] = "\(attribute) \(level)"
                }
            }
        }
    }

    /// parse(render(level)) == level for every attribute, level and paraphrase, and nothing else is read.
    func testParserReadsBackEveryParaphrase() {
        let renderer = SentenceRenderer()
        for attribute in Attribute.allCases {
            for level in attribute.levels {
                for template in SentenceRenderer.templateSentences(attribute, level: level) {
                    for which in ["first", "second"] {
                        let sentence = template.replacingOccurrences(of: "{which}", with: which)
                            .replacingOccurrences(of: "{amount}", with: "a Gaussian blur of sigma 2.1 px")
                        XCTAssertEqual(parser.levels(in: sentence), [attribute: level], sentence)
                    }
                }
                var rng = SeededRandom(seed: 1)
                let rendered = renderer.sentence(attribute, level: level, which: "second", amount: "+1.2 EV", using: &rng)
                XCTAssertEqual(parser.level(of: attribute, in: rendered), level, rendered)
            }
        }
    }

    func testParserTakesTheLongestPhrase() {
        XCTAssertEqual(parser.level(of: .exposure, in: "It has a very dark exposure."), "very dark")
        XCTAssertEqual(parser.level(of: .sharpness, in: "Extremely crisp rendering!"), "very sharp")
        XCTAssertEqual(parser.level(of: .editStrength, in: "barely noticeable"), "slight")
        XCTAssertNil(parser.level(of: .exposure, in: "A photo of a cat."))
    }

    func testSamplesAreDeterministicAndAnswersParseToTheirTargets() throws {
        let generator = PretrainSampleGenerator()
        var answers = Set<String>()
        for (name, photo) in try Fixture.photos().prefix(3) {
            let image = WorkingImage(photo, longSide: 96).image
            for epoch in 0..<3 {
                for scale in Scale.allCases {
                    let sample = generator.sample(image: image, id: name, epoch: epoch, scale: scale)
                    let again = generator.sample(image: image, id: name, epoch: epoch, scale: scale)
                    XCTAssertEqual(sample.answer, again.answer)
                    XCTAssertEqual(sample.question, again.question)
                    XCTAssertEqual(sample.images, again.images)
                    XCTAssertEqual(sample.scale, scale)
                    XCTAssertEqual(parser.levels(in: sample.answer), sample.targets, sample.answer)
                    if scale == .high {
                        XCTAssertEqual(Set(sample.targets.keys), Set(Attribute.of(.high)))
                        // What changed comes before the judgement it explains.
                        XCTAssertEqual(parser.mentions(in: sample.answer).map(\.attribute), [.edit, .editStrength, .preference], sample.answer)
                    } else {
                        XCTAssertEqual(sample.targets.count, generator.attributesPerAnswer)
                    }
                    XCTAssertTrue(sample.targets.keys.allSatisfy { $0.scale == scale })
                    let placeholders = sample.question.components(separatedBy: Questions.imageToken).count - 1
                    XCTAssertEqual(placeholders, sample.images.count)
                    XCTAssertEqual(sample.images.count, scale == .high ? 2 : 1)
                    answers.insert(sample.answer)
                }
            }
        }
        XCTAssertGreaterThan(answers.count, 20, "epochs and images must vary the text")
    }

    /// Single-attribute questions name their attribute's measured level and nothing else.
    func testFocusedSamplesAskAndAnswerOneAttribute() throws {
        let generator = PretrainSampleGenerator(focusedShare: 1)
        var asked = Set<Attribute>()
        for (name, photo) in try Fixture.photos().prefix(3) {
            let image = WorkingImage(photo, longSide: 96).image
            for epoch in 0..<12 {
                let scale: Scale = epoch % 2 == 0 ? .low : .middle
                let sample = generator.sample(image: image, id: name, epoch: epoch, scale: scale)
                XCTAssertEqual(sample.targets.count, 1, sample.answer)
                let attribute = sample.targets.keys.first!
                XCTAssertEqual(attribute.scale, scale)
                XCTAssertTrue(Questions.about(attribute).contains(sample.question), sample.question)
                XCTAssertTrue(sample.answer.hasPrefix("As for \(Questions.topic(attribute)), "), sample.answer)
                XCTAssertEqual(parser.levels(in: sample.answer), sample.targets, sample.answer)
                XCTAssertEqual(sample.targets[attribute], ImageAttributes(WorkingImage(sample.images[0])).level(attribute))
                asked.insert(attribute)
            }
        }
        XCTAssertGreaterThan(asked.count, 8, "the attribute asked about must vary")
    }

    func testAttributeQuestionsNameNoLevel() {
        for attribute in ImageAttributes.measured {
            let questions = Questions.about(attribute)
            XCTAssertGreaterThanOrEqual(Set(questions).count, 5)
            for question in questions {
                XCTAssertTrue(parser.mentions(in: question).isEmpty, question)
                XCTAssertEqual(question.components(separatedBy: Questions.imageToken).count - 1, 1)
            }
        }
    }

    /// Augmented photos are edited before measurement: the answer's levels are those of the
    /// image the sample shows, and some levels differ from the unedited photo's.
    func testAugmentedSamplesDescribeTheEditedImage() throws {
        let plain = PretrainSampleGenerator(attributesPerAnswer: 11), augmented = PretrainSampleGenerator(attributesPerAnswer: 11, augmentShare: 1)
        var changedImages = 0, changedLevels = 0
        for (name, photo) in try Fixture.photos().prefix(2) {
            let image = WorkingImage(photo, longSide: 96).image
            for epoch in 0..<6 {
                let sample = augmented.sample(image: image, id: name, epoch: epoch, scale: .low)
                let original = plain.sample(image: image, id: name, epoch: epoch, scale: .low)
                XCTAssertEqual(original.images[0], plain.workingSquare(image))
                XCTAssertEqual(sample.images[0].width, original.images[0].width)
                let measured = ImageAttributes(WorkingImage(sample.images[0]))
                for (attribute, level) in sample.targets { XCTAssertEqual(level, measured.level(attribute), "\(attribute)") }
                if sample.images[0] != original.images[0] { changedImages += 1 }
                if sample.targets != original.targets { changedLevels += 1 }
            }
        }
        XCTAssertEqual(changedImages, 12)
        XCTAssertGreaterThan(changedLevels, 3)
    }

    /// Recomposed middle-scale samples show a random window of the photo at the working side and
    /// name the window's levels, which then vary from epoch to epoch of one photo; low-scale
    /// samples are left as they are.
    func testRecomposedSamplesDescribeAWindowOfThePhoto() throws {
        let plain = PretrainSampleGenerator(attributesPerAnswer: 7, longSide: 64)
        let recomposing = PretrainSampleGenerator(attributesPerAnswer: 7, longSide: 64, recomposeShare: 1)
        for (name, photo) in try Fixture.photos().prefix(2) {
            var compositions = Set<[Attribute: String]>()
            for epoch in 0..<8 {
                let sample = recomposing.sample(image: photo, id: name, epoch: epoch, scale: .middle)
                XCTAssertEqual(sample.images[0], recomposing.sample(image: photo, id: name, epoch: epoch, scale: .middle).images[0])
                XCTAssertEqual([sample.images[0].width, sample.images[0].height], [64, 64])
                XCTAssertNotEqual(sample.images[0], plain.workingSquare(photo), "\(name) epoch \(epoch)")
                let measured = ImageAttributes(WorkingImage(sample.images[0], longSide: 64))
                for (attribute, level) in sample.targets { XCTAssertEqual(level, measured.level(attribute), "\(attribute)") }
                compositions.insert(sample.targets)
                XCTAssertEqual(recomposing.sample(image: photo, id: name, epoch: epoch, scale: .low).images,
                               plain.sample(image: photo, id: name, epoch: epoch, scale: .low).images)
            }
            XCTAssertGreaterThan(compositions.count, 2, name)
        }
    }

    func testRestrictedAttributesLimitScalesAndAnswers() throws {
        let generator = PretrainSampleGenerator(attributes: [.exposure, .contrast, .preference])
        XCTAssertEqual(generator.scales, [.low, .high])
        let (name, photo) = try Fixture.photos()[0]
        let image = WorkingImage(photo, longSide: 96).image
        for epoch in 0..<10 {
            let sample = generator.sample(image: image, id: name, epoch: epoch)
            XCTAssertNotEqual(sample.scale, .middle)
            XCTAssertTrue(Set(sample.targets.keys).isSubset(of: [.exposure, .contrast, .preference]), sample.answer)
            XCTAssertEqual(parser.levels(in: sample.answer), sample.targets, sample.answer)
        }
    }

    func testPairJudgements() throws {
        let dark = try Fixture.photos().first { $0.name == "plasma-DarkestHour.jpg" }!.image
        let cases: [(ImageEdit, EditChange, String, Bool)] = [
            (.blur(sigma: 3.5), .blurred, "strong", false),
            (.noise(sigma: 5), .noisier, "slight", false),
            (.exposure(ev: 1), .brighter, "moderate", true),   // a dark photo made more balanced
            (.exposure(ev: -1), .darker, "moderate", false),
            (.colourCast(.magenta, strength: 0.1), .magenta, "slight", false),
            (.tilt(degrees: -8), .tilted, "strong", false),
            (.subjectCrop(fraction: 0.7), .subjectCut, "slight", false),
        ]
        for (edit, change, strength, editedIsBetter) in cases {
            let judgement = EditJudgement(edit: edit, original: dark, edited: edit.applied(to: dark))
            XCTAssertEqual(judgement.change, change, "\(edit)")
            XCTAssertEqual(judgement.strength, strength, "\(edit)")
            XCTAssertEqual(judgement.editedIsBetter, editedIsBetter, "\(edit)")
        }
    }

    /// A pair answer names a reversible change as seen on the second photo, whichever photo was
    /// edited; a change that only loses something is named on the edited photo.
    func testReversibleChangesAreToldOnTheSecondPhoto() throws {
        let generator = PretrainSampleGenerator(longSide: 96, attributes: Attribute.of(.high))
        let parser = LevelParser()
        let reverse: [EditChange: EditChange] = [.brighter: .darker, .darker: .brighter, .warmer: .cooler, .cooler: .warmer,
                                                 .greener: .magenta, .magenta: .greener, .moreSaturated: .lessSaturated,
                                                 .lessSaturated: .moreSaturated]
        var seen = (reversed: 0, kept: 0)
        for (name, photo) in try Fixture.photos().prefix(4) {
            for epoch in 0..<24 {
                let sample = generator.sample(image: photo, id: name, epoch: epoch, scale: .high)
                let edit = sample.edit!, square = generator.workingSquare(photo)
                let editedFirst = sample.images[1] == square
                let applied = EditJudgement(edit: edit, original: square, edited: editedFirst ? sample.images[0] : sample.images[1]).change
                let named = EditChange(rawValue: sample.targets[.edit]!)!
                if editedFirst, let opposite = reverse[applied] {
                    XCTAssertEqual(named, opposite, sample.answer)
                    XCTAssertTrue(sample.answer.contains("second"), sample.answer)
                    seen.reversed += 1
                } else {
                    XCTAssertEqual(named, applied, sample.answer)
                    seen.kept += 1
                }
                XCTAssertEqual(parser.levels(in: sample.answer), sample.targets, sample.answer)
            }
        }
        XCTAssertGreaterThan(seen.reversed, 5)
        XCTAssertGreaterThan(seen.kept, 5)
    }

    /// `pairEdits` limits the edits that make pairs.
    func testPairEditsAreDrawnFromTheGivenKinds() throws {
        let generator = PretrainSampleGenerator(longSide: 64, attributes: Attribute.of(.high), pairEdits: [.exposure, .saturation])
        let (name, photo) = try Fixture.photos()[0]
        var kinds = Set<String>()
        for epoch in 0..<20 {
            switch generator.sample(image: photo, id: name, epoch: epoch).edit! {
            case .exposure: kinds.insert("exposure")
            case .saturation: kinds.insert("saturation")
            case let other: XCTFail("\(other) is not among the pair edits")
            }
        }
        XCTAssertEqual(kinds, ["exposure", "saturation"])
    }

    func testQuestionParaphrases() {
        for scale in Scale.allCases {
            let questions = Questions.paraphrases(scale)
            XCTAssertGreaterThanOrEqual(Set(questions).count, 5)
            for question in questions {
                XCTAssertEqual(question.components(separatedBy: Questions.imageToken).count - 1, scale == .high ? 2 : 1)
            }
        }
    }

    func testCueBankExtendsOrReplaces() throws {
        let jsonl = """
        {"attribute": "exposure", "level": "dark", "sentence": "The shot is a bit dim."}

        {"attribute": "edit", "level": "blurred", "sentence": "The {which} one got blurry ({amount})."}
        """
        let templates = SentenceRenderer.templateSentences(.exposure, level: "dark")
        let extend = SentenceRenderer(cueBank: try CueBank(jsonl: jsonl, path: "cues.jsonl", mode: .extend))
        XCTAssertEqual(extend.candidates(.exposure, level: "dark"), templates + ["The shot is a bit dim."])
        let replace = SentenceRenderer(cueBank: try CueBank(jsonl: jsonl, path: "cues.jsonl", mode: .replace))
        XCTAssertEqual(replace.candidates(.exposure, level: "dark"), ["The shot is a bit dim."])
        XCTAssertEqual(replace.candidates(.exposure, level: "bright"), SentenceRenderer.templateSentences(.exposure, level: "bright"))
        var rng = SeededRandom(seed: 0)
        XCTAssertEqual(replace.sentence(.edit, level: "blurred", which: "first", amount: "sigma 2", using: &rng),
                       "The first one got blurry (sigma 2).")
    }

    func testCueBankErrorsNameFileAndLine() throws {
        let cases: [(String, String)] = [
            ("{\"attribute\": \"exposure\", \"level\": \"dark\"", "not a JSON object"),
            ("{\"level\": \"dark\", \"sentence\": \"x\"}", "missing string key 'attribute'"),
            ("{\"attribute\": \"glow\", \"level\": \"dark\", \"sentence\": \"x\"}", "unknown attribute 'glow'"),
            ("{\"attribute\": \"exposure\", \"level\": \"dim\", \"sentence\": \"x\"}", "unknown level 'dim' for exposure"),
            ("{\"attribute\": \"exposure\", \"level\": \"dark\", \"sentence\": \" \"}", "missing or empty string key 'sentence'"),
        ]
        let valid = "{\"attribute\": \"tint\", \"level\": \"green\", \"sentence\": \"Greenish.\"}"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calm-cues-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (line, reason) in cases {
            try (valid + "\n\n" + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try CueBank(contentsOf: path, mode: .extend)) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.contains(path) && message.contains("line 3") && message.contains(reason), message)
            }
        }
        XCTAssertThrowsError(try CueBank(contentsOf: path + ".missing", mode: .extend)) { error in
            XCTAssertTrue(String(describing: error).contains("cannot read file"))
        }
    }

    /// Prints the level histogram over the bundled photos (the figures behind the thresholds) and
    /// checks that the thresholds separate them: most attributes use at least two levels.
    func testLevelHistogramOverPhotos() throws {
        let levels = try Fixture.photos().map { ImageAttributes($0.image).levels }
        var spread = 0
        for attribute in ImageAttributes.measured {
            let counts = attribute.levels.map { level in levels.filter { $0[attribute] == level }.count }
            print("level histogram \(attribute.rawValue): " + zip(attribute.levels, counts).map { "\($0) \($1)" }.joined(separator: ", "))
            if counts.filter({ $0 > 0 }).count >= 2 { spread += 1 }
        }
        XCTAssertGreaterThanOrEqual(spread, ImageAttributes.measured.count - 2)
    }
}
