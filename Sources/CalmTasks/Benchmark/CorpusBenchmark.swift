import CalmData
import CalmHDF5
import CalmImage
import CalmSelfSupervision
import Foundation

/// The demonstration benchmark built from the real photo corpus. No human-rated data can be
/// had on these machines, so every label here is a documented proxy (see Scripts/benchmark/README.md):
///
/// - scoring (1–10): curated photo 7, amateur snapshot 3, curated photo with a known
///   degradation `6 − 3·strength` (3…6);
/// - commenting: the corpus's descriptive captions plus attribute sentences measured on the photo;
/// - suggesting: each curated photo's degraded copy, whose right suggestion is the inverse edit;
/// - personalization: the ratings of `SimulatedRater.panel`, split k-shot per user.
public struct CorpusBenchmark {
    public static let curatedScore = 7.0, snapshotScore = 3.0
    public static let commentPrompt = "<image>\nWrite a short critique of this photo."
    public static let scoring = ScoringInstruction(dataset: "calm-corpus", scale: .oneToTen, style: .level)
    public static let personalScoring = ScoringInstruction(dataset: "calm-corpus-raters", scale: .oneToFive, style: .level,
                                                           task: "personalized_scoring")

    public let seed: UInt64
    /// Long side of the benchmark's images (the corpus photos go up to 5120 px).
    public let longSide: Int
    public let shots: [Int]

    public init(seed: UInt64 = 7, longSide: Int = 256, shots: [Int] = [10, 100]) {
        self.seed = seed
        self.longSide = longSide
        self.shots = shots
    }

    /// The score label of a curated photo after `degradation`.
    public static func degradedScore(_ degradation: Degradation) -> Double { 6 - 3 * degradation.strength }

    /// The degradation given to a curated photo: kind and strength from a hash of its id.
    public func degradation(for photo: CorpusPhoto) -> Degradation {
        let hash = stableHash("\(seed)/degrade/\(photo.id)")
        let kinds = Degradation.Kind.allCases
        return Degradation(kinds[Int(hash % UInt64(kinds.count))], strength: Double((hash >> 16) % 1001) / 1000)
    }

    /// Reads the corpus, writes the images (resized) and every instruction file under `output`,
    /// and returns the file names with their record counts. `progress` hears one line per stage.
    @discardableResult
    public func build(corpus: URL, output: URL, progress: (String) -> Void = { _ in }) throws -> [(file: String, records: Int)] {
        let photos = try CorpusPhoto.read(corpus: corpus, seed: seed)
        let imageFolder = output.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: imageFolder.appendingPathComponent("degraded"), withIntermediateDirectories: true)
        progress("\(photos.count) photos, \(photos.filter { $0.split == .test }.count) held out")

        var files: [String: [InstructionRecord]] = [:]
        var measured: [(id: String, attributes: ImageAttributes)] = []
        for (index, photo) in photos.enumerated() {
            let image = try resized(ImageDecoder.decode(contentsOf: corpus.appendingPathComponent(photo.file).path))
            let path = "images/\(photo.id).png"
            try PNGWriter.write(image, to: output.appendingPathComponent(path).path)
            let attributes = ImageAttributes(image)
            measured.append((path, attributes))
            let split = photo.split.rawValue
            let score = photo.quality == .curated ? Self.curatedScore : Self.snapshotScore
            files["scoring-\(split)", default: []].append(try Self.scoring.record(
                id: photo.id, image: path, score: score, metadata: ["source": .string(photo.quality.rawValue)]))
            if !photo.captions.isEmpty {
                files["commenting-\(split)", default: []].append(comment(photo: photo, image: path, attributes: attributes))
            }
            if photo.quality == .curated {
                let degradation = degradation(for: photo)
                let degradedPath = "images/degraded/\(photo.id).png"
                try PNGWriter.write(degradation.applied(to: image, seed: stableHash(photo.id)),
                                    to: output.appendingPathComponent(degradedPath).path)
                let facts: [String: JSONValue] = ["source": "degraded", "original": .string(path),
                                                  "degradation": .string(degradation.kind.rawValue),
                                                  "strength": .double(degradation.strength)]
                files["scoring-\(split)", default: []].append(try Self.scoring.record(
                    id: photo.id + "-degraded", image: degradedPath, score: Self.degradedScore(degradation), metadata: facts))
                files["suggesting-\(split)", default: []].append(InstructionRecord(
                    id: photo.id + "-degraded", images: [degradedPath],
                    conversations: [Turn(.human, SuggestionText.prompt), Turn(.gpt, SuggestionText.sentence(for: degradation.inverse))],
                    metadata: facts.merging(["task": "suggesting"], uniquingKeysWith: { $1 })))
            }
            if (index + 1) % 50 == 0 { progress("\(index + 1) photos written") }
        }

        let ratings = try SimulatedRater.panel.flatMap { try $0.ratings(of: measured) }
        for k in shots {
            files["personalization-k\(k)"] = try PersonalizedSplit(shots: k, seed: seed)
                .records(for: ratings, instruction: Self.personalScoring, file: "simulated raters").records
        }
        files["instruct-train"] = ["scoring-train", "commenting-train", "suggesting-train"].flatMap { files[$0] ?? [] }

        try writeReferences(files["commenting-test"] ?? [], to: output.appendingPathComponent("commenting-references.json"))
        var listed: [(file: String, records: Int)] = []
        for split in [CorpusPhoto.Split.train, .test] {
            // The unlabeled photos of each split, full size, for `calm ingest`: self-supervised
            // pretraining for this benchmark reads photos-train.txt only, so test photos stay unseen.
            let paths = photos.filter { $0.split == split }.map { corpus.appendingPathComponent($0.file).path }
            try AtomicFile.write(Data(paths.map { $0 + "\n" }.joined().utf8), to: output.appendingPathComponent("photos-\(split.rawValue).txt").path)
            listed.append(("photos-\(split.rawValue).txt", paths.count))
        }
        for (name, records) in files {
            try InstructionSet.write(records, to: output.appendingPathComponent(name + ".jsonl"))
        }
        return (files.map { ($0.key + ".jsonl", $0.value.count) } + listed).sorted { $0.file < $1.file }
    }

    /// A critique record: the first caption sentence, then three measured attribute sentences.
    /// The references of a held-out photo are all its caption sentences and all of those
    /// attribute sentences, so a candidate is credited for either kind of content.
    func comment(photo: CorpusPhoto, image: String, attributes: ImageAttributes) -> InstructionRecord {
        var random = SeededRandom(seed: stableHash("\(seed)/comment/\(photo.id)"))
        let described = [Attribute.exposure, .contrast, .saturation, .sharpness, .placement].compactMap { attribute -> String? in
            attributes.level(attribute).map { SentenceRenderer().sentence(attribute, level: $0, using: &random) }
        }
        let answer = ([photo.captions[0]] + described.prefix(3)).joined(separator: " ")
        return InstructionRecord(id: photo.id, images: [image],
                                 conversations: [Turn(.human, Self.commentPrompt), Turn(.gpt, answer)],
                                 metadata: ["task": "commenting",
                                            "references": .array((photo.captions + described).map { .string($0) })])
    }

    /// `{id: [reference texts]}` for `calm eval commenting --references`.
    func writeReferences(_ records: [InstructionRecord], to url: URL) throws {
        var references: [String: [String]] = [:]
        for record in records {
            references[record.id] = record.metadata["references"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        let data = try JSONSerialization.data(withJSONObject: references, options: [.sortedKeys, .prettyPrinted])
        try AtomicFile.write(data, to: url.path)
    }

    /// The image scaled so that its long side is `longSide` (never enlarged).
    func resized(_ image: RGBImage) -> RGBImage {
        let scale = Double(longSide) / Double(max(image.width, image.height))
        guard scale < 1 else { return image }
        return image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                             height: max(1, Int((Double(image.height) * scale).rounded())), filter: .area)
    }
}
