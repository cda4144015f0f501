import ArgumentParser
import CalmImage
import CalmSelfSupervision
import Foundation

/// Prints the measured pseudo-label attributes (value and level) of each image.
struct Attributes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the self-supervision attributes (value and level) of images.",
        discussion: "Values are measured with the image downscaled to a long side of --side px; JSON adds the 3×3 grid of low-level values.")

    @Argument(help: "Image files (PNG, JPEG or WebP).")
    var images: [String]

    @Option(help: "Working resolution: the long side, in pixels, the image is downscaled to before measuring.")
    var side = WorkingImage.defaultLongSide

    @Flag(help: "Measure the centred square, as pretraining samples show it.")
    var square = false

    @Flag(help: "Print one JSON object per image (JSON Lines).")
    var json = false

    @Flag(help: "Also print one pretraining question and answer per scale (with --epoch).")
    var text = false

    @Option(help: "Epoch whose text is shown (text is a function of file name and epoch).")
    var epoch = 0

    @Option(help: "JSONL cue bank of {\"attribute\", \"level\", \"sentence\"} lines for --text.")
    var cues: String?

    @Option(help: "How the cue bank combines with the templates: extend or replace.")
    var cueMode: CueMode = .extend

    enum CueMode: String, ExpressibleByArgument {
        case extend, replace
    }

    func validate() throws {
        guard side >= 8 else { throw ValidationError("--side must be at least 8 px, got \(side)") }
    }

    func run() throws {
        let cueBank = try cues.map { try CueBank(contentsOf: $0, mode: cueMode == .extend ? .extend : .replace) }
        let generator = PretrainSampleGenerator(renderer: SentenceRenderer(cueBank: cueBank), longSide: side)
        for path in images {
            let decoded = try ImageDecoder.decode(contentsOf: path)
            let image = square ? generator.workingSquare(decoded) : decoded
            let attributes = ImageAttributes(image, longSide: side)
            if json {
                try printJSON(path: path, image: image, attributes: attributes)
            } else {
                printTable(path: path, image: image, attributes: attributes)
            }
            guard text else { continue }
            for scale in Scale.allCases {
                let sample = generator.sample(image: decoded, id: path, epoch: epoch, scale: scale)
                print("  [\(scale.rawValue)] Q: \(sample.question.replacingOccurrences(of: "\n", with: " "))")
                print("  [\(scale.rawValue)] A: \(sample.answer)")
            }
        }
    }

    private func printTable(path: String, image: RGBImage, attributes: ImageAttributes) {
        print("\(path) (\(image.width)x\(image.height))")
        let width = ImageAttributes.measured.map(\.rawValue.count).max() ?? 0
        for attribute in ImageAttributes.measured {
            let name = attribute.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0)
            print("  \(name)\(String(format: "%10.4f", attributes.value(attribute)!))  \(attributes.level(attribute)!)")
        }
        let m = attributes.middle
        print("  subject at (\(String(format: "%.2f", m.subjectX)), \(String(format: "%.2f", m.subjectY))), signed tilt \(String(format: "%.2f", m.tilt))°, line coherence \(String(format: "%.2f", m.lineCoherence))")
    }

    private func printJSON(path: String, image: RGBImage, attributes: ImageAttributes) throws {
        let measured: [String: Any] = Dictionary(uniqueKeysWithValues: ImageAttributes.measured.map {
            ($0.rawValue, ["value": attributes.value($0)!, "level": attributes.level($0)!] as [String: Any])
        })
        let grid = zip(LowLevelProfile.cellNames, attributes.low.cells).map { name, cell -> [String: Any] in
            ["cell": name, "exposure": cell.exposure, "highlights": cell.highlightClipping, "shadows": cell.shadowClipping,
             "contrast": cell.contrast, "saturation": cell.saturation, "colourfulness": cell.colourfulness,
             "sharpness": cell.sharpness, "noise": cell.noise, "temperature": cell.temperature, "tint": cell.tint]
        }
        let m = attributes.middle
        let object: [String: Any] = [
            "file": path, "width": image.width, "height": image.height, "attributes": measured, "grid": grid,
            "subject": ["x": m.subjectX, "y": m.subjectY], "signedTilt": m.tilt, "lineCoherence": m.lineCoherence,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
