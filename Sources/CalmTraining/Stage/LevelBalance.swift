import CalmData
import CalmSelfSupervision

/// Answer-loss weights that make each level of an attribute count alike (`pretrain.balance_levels`).
///
/// Why: level targeting draws the level to name uniformly, but it cannot always reach it (a
/// photo's windows are mostly horizontally balanced; a photo without dominant lines cannot be
/// tilted), so the levels answers name stay skewed (horizontal balance: about half the samples
/// "balanced"). Plain cross-entropy then teaches the language model the skew, and where the
/// visual evidence is weak it names the frequent level whatever the photo: the answers are judged
/// by balanced accuracy, which such an answer leaves at chance. Weighting each level's answers by
/// the inverse of its frequency makes the loss's optimum the balanced-accuracy one (class-balanced
/// loss, as logit adjustment does at training time).
///
/// The frequencies are measured before training, on the samples the recipe's generator makes
/// of the first `photos` records for every epoch below `epochs`: deterministic, so a resumed run
/// gets the same weights. Only answers that name one attribute are weighted.
public struct LevelBalance: Equatable, Sendable {
    /// Records and epochs measured: 128 samples per attribute (chance error about 4 points).
    static let photos = 64, epochs = 2
    /// The largest weight: a level that targeting almost never reaches would otherwise make its
    /// few samples dominate the loss's variance.
    static let maxWeight = 4.0

    /// Per attribute, how many measured samples named each level (`attribute.levels` order).
    public let counts: [Attribute: [Int]]
    /// Per attribute, each level's weight: 1 / (K·p) for K levels of add-one smoothed frequency p,
    /// at most `maxWeight`.
    public let weights: [Attribute: [Double]]

    public init(counts: [Attribute: [Int]]) {
        self.counts = counts
        weights = counts.mapValues { levels in
            let total = Double(levels.reduce(0, +) + levels.count)
            return levels.map { min(Self.maxWeight, total / (Double(levels.count) * Double($0 + 1))) }
        }
    }

    /// Measures the levels `options`' generator names, at `imageSide`, for each single-image
    /// attribute of `options.attributes`, on the first records of `shards`.
    public static func measure(_ options: PretrainOptions, imageSide: Int, shards: ShardSet, workers: Int) throws -> LevelBalance {
        let attributes = options.attributes.filter { $0.scale != .high }
        let generators = try attributes.map { attribute in
            var single = options
            (single.attributes, single.focusedQuestions) = ([attribute], 1)
            return try single.sampleGenerator(imageSide: imageSide)
        }
        var readerOptions = ShardReader<[[Int]]>.Options(batchSize: 1, shuffleBuffer: 0, workers: workers)
        readerOptions.epochs = 1
        let reader = try ShardReader(shards: shards, options: readerOptions) { record, _ in
            let image = try record.decodedImage()
            return zip(attributes, generators).map { attribute, generator in
                (0..<epochs).map { epoch in
                    attribute.levels.firstIndex(of: generator.sample(image: image, id: record.id, epoch: epoch).targets[attribute]!)!
                }
            }
        }
        var counts = Dictionary(uniqueKeysWithValues: attributes.map { ($0, [Int](repeating: 0, count: $0.levels.count)) })
        for _ in 0..<photos {
            guard let batch = try reader.next(), let levels = batch.first else { break }
            for (attribute, named) in zip(attributes, levels) {
                for level in named { counts[attribute]![level] += 1 }
            }
        }
        return LevelBalance(counts: counts)
    }

    /// The weight of `sample`'s answer: its level's when it names one attribute of a single
    /// image, else 1.
    public func weight(_ sample: PretrainSample) -> Double {
        guard sample.scale != .high, sample.targets.count == 1, let (attribute, level) = sample.targets.first,
              let weights = weights[attribute], let index = attribute.levels.firstIndex(of: level) else { return 1 }
        return weights[index]
    }

    /// One line per attribute: each level's share of the measured samples and its weight.
    public var summary: [String] {
        Attribute.allCases.compactMap { attribute in
            guard let levels = counts[attribute], let weights = weights[attribute] else { return nil }
            let total = max(1, levels.reduce(0, +))
            return "\(attribute.rawValue): " + zip(attribute.levels, zip(levels, weights)).map { level, figures in
                "\(level) " + String(format: "%.0f%% ×%.2f", 100 * Double(figures.0) / Double(total), figures.1)
            }.joined(separator: ", ")
        }
    }
}
