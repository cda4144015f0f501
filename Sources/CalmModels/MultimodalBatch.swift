import CalmTensor
import CalmText

/// The visual token groups of one image, in sequence order.
public enum VisualGroup: Int, CaseIterable, Codable, Sendable {
    case low, middle, high, thematic
}

/// The ids of calm's special tokens (`CalmTokens`) in a vocabulary.
public struct CalmTokenIds: Equatable, Sendable {
    public var image: Int, low: Int, middle: Int, high: Int, thematic: Int

    public init(image: Int, low: Int, middle: Int, high: Int, thematic: Int) {
        (self.image, self.low, self.middle, self.high, self.thematic) = (image, low, middle, high, thematic)
    }

    /// The ids in `tokenizer` (see `Tokenizer.addingCalmTokens`).
    public init(_ tokenizer: Tokenizer) throws {
        let ids = try CalmTokens.all.map { token -> Int in
            guard let id = tokenizer.id(of: token) else { throw SequenceError("the tokenizer has no \(token) token") }
            return id
        }
        self.init(image: ids[0], low: ids[1], middle: ids[2], high: ids[3], thematic: ids[4])
    }

    /// The introducer of each group.
    public func introducer(_ group: VisualGroup) -> Int { [low, middle, high, thematic][group.rawValue] }
}

/// One training or prompting sequence: token ids with `<image>` placeholders.
public struct MultimodalSample: Sendable {
    public var ids: [Int]
    /// Per id: whether the model is trained to predict it (answer tokens; from `ChatTemplate.encode`).
    public var lossMask: [Bool]
    /// The visual groups the text may attend to (multi-scale routing); all at instruct time.
    public var visibleGroups: Set<VisualGroup>
    /// How much each of the sample's answer tokens counts in `CalmModel.loss` (1: as much as any).
    public var lossWeight: Double

    public init(ids: [Int], lossMask: [Bool]? = nil, visibleGroups: Set<VisualGroup> = Set(VisualGroup.allCases), lossWeight: Double = 1) {
        precondition(lossWeight.isFinite && lossWeight >= 0, "lossWeight must be finite and non-negative, got \(lossWeight)")
        self.ids = ids
        self.lossMask = lossMask ?? [Bool](repeating: false, count: ids.count)
        self.visibleGroups = visibleGroups
        self.lossWeight = lossWeight
    }

    /// An encoded chat (`ChatTemplate.encode`): the loss falls on the assistant's answers.
    public init(_ conversation: EncodedConversation, visibleGroups: Set<VisualGroup> = Set(VisualGroup.allCases)) {
        self.init(ids: conversation.ids, lossMask: conversation.lossMask, visibleGroups: visibleGroups)
    }
}

/// A malformed multimodal sequence.
public struct SequenceError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A batch ready for `CalmModel`: placeholders expanded into visual blocks, right-padded to
/// one length, next-token labels on answer tokens, and the routing mask.
///
/// An `<image>` expands to `<low>` q₁…q_Nq `<middle>` … `<high>` … `<thematic>` t₁…t_g²; the
/// q/t slots are filled with the image's visual tokens. Images are taken in placeholder order,
/// sample by sample. Routing: a key in a visual group its sample does not make visible is
/// hidden from every position except those of the same group of the same image, so no
/// information from it reaches the text (its introducer stays visible).
public struct MultimodalBatch {
    /// Expanded token ids [B, T] (int64); visual slots and padding hold `padId`.
    public let tokens: Tensor
    /// Next-token targets [B, T] (int64): the id at t+1 where it is an answer token, else -100.
    public let labels: Tensor
    /// Images [N, 3, S, S], one per placeholder.
    public let images: Tensor
    /// Per flattened position b·T + t of a visual slot, its row in the visual tokens
    /// [N·visualTokens, D] (image-major, groups in order).
    public let visualSlots: [(position: Int, row: Int)]
    /// uint8 [B, 1, T, T], nonzero = may attend (combined with causal masking); nil when
    /// every sample sees every group.
    public private(set) var routingMask: Tensor?
    /// Unpadded lengths.
    public let lengths: [Int]
    /// Each sample's `lossWeight`.
    public let lossWeights: [Double]
    /// Per sample and position: the (image, group) of a visual slot.
    let slots: [[(image: Int, group: VisualGroup)?]]
    let hidden: [Set<VisualGroup>]

    public var batchSize: Int { tokens.shape[0] }
    public var length: Int { tokens.shape[1] }
    /// Images in the batch (0 for text alone).
    public var imageCount: Int { images.rank == 4 ? images.shape[0] : 0 }
    /// Positions with a next-token target: the terms `CalmModel.loss` averages.
    public var labeledTokens: Int { labels.toArray(Int64.self).filter { $0 != -100 }.count }

    public init(samples: [MultimodalSample], images: Tensor, tokenIds: CalmTokenIds, config: CalmConfig,
                padId: Int = 0, length: Int? = nil) throws {
        let (nq, nt) = (config.mfam.queries, config.mfam.thematicGrid * config.mfam.thematicGrid)
        let perImage = config.visualTokens
        var expandedIds = [[Int]](), losses = [[Bool]](), slots = [[(image: Int, group: VisualGroup)?]]()
        var imageCount = 0
        for (s, sample) in samples.enumerated() {
            guard sample.lossMask.count == sample.ids.count else {
                throw SequenceError("sample \(s): \(sample.ids.count) ids but \(sample.lossMask.count) loss-mask entries")
            }
            var ids = [Int](), loss = [Bool](), slot = [(image: Int, group: VisualGroup)?]()
            for (id, trained) in zip(sample.ids, sample.lossMask) {
                guard (0..<config.language.vocabularySize).contains(id) else {
                    throw SequenceError("sample \(s): token id \(id) outside the vocabulary of \(config.language.vocabularySize)")
                }
                guard id == tokenIds.image else {
                    ids.append(id); loss.append(trained); slot.append(nil)
                    continue
                }
                for group in VisualGroup.allCases {
                    let count = group == .thematic ? nt : nq
                    ids.append(tokenIds.introducer(group)); slot.append(nil)
                    ids += [Int](repeating: padId, count: count)
                    slot += [(image: Int, group: VisualGroup)?](repeating: (imageCount, group), count: count)
                    loss += [Bool](repeating: false, count: count + 1)
                }
                imageCount += 1
            }
            expandedIds.append(ids); losses.append(loss); slots.append(slot)
        }
        guard imageCount == (images.rank == 4 ? images.shape[0] : 0) else {
            throw SequenceError("the samples hold \(imageCount) <image> placeholder(s) but \(images.rank == 4 ? images.shape[0] : 0) image(s) were given")
        }
        let longest = expandedIds.map(\.count).max() ?? 0, t = length ?? longest
        guard longest <= t else { throw SequenceError("an expanded sample has \(longest) tokens, more than the length \(t)") }

        var tokens = [Int64](repeating: Int64(padId), count: samples.count * t)
        var labels = [Int64](repeating: -100, count: samples.count * t)
        var visualSlots = [(position: Int, row: Int)]()
        var seenInGroup = [Int](repeating: 0, count: imageCount * VisualGroup.allCases.count)
        for (b, ids) in expandedIds.enumerated() {
            for (i, id) in ids.enumerated() {
                tokens[b * t + i] = Int64(id)
                if i + 1 < ids.count && losses[b][i + 1] { labels[b * t + i] = Int64(ids[i + 1]) }
                guard let (image, group) = slots[b][i] else { continue }
                let key = image * VisualGroup.allCases.count + group.rawValue, k = seenInGroup[key]
                seenInGroup[key] += 1
                let groupStart = group == .thematic ? 3 * nq : group.rawValue * nq
                visualSlots.append((b * t + i, image * perImage + groupStart + k))
            }
        }
        self.tokens = Tensor(tokens, shape: [samples.count, t])
        self.labels = Tensor(labels, shape: [samples.count, t])
        self.images = images
        self.visualSlots = visualSlots
        self.lengths = expandedIds.map(\.count)
        self.lossWeights = samples.map(\.lossWeight)
        self.slots = slots.map { $0 + [(image: Int, group: VisualGroup)?](repeating: nil, count: t - $0.count) }
        self.hidden = samples.map { Set(VisualGroup.allCases).subtracting($0.visibleGroups) }
        routingMask = nil
        if !hidden.allSatisfy(\.isEmpty) { routingMask = routingMask(queries: 0..<t, keys: t) }
    }

    /// The samples of each of `shards`' batches: `count` contiguous runs of near-equal size
    /// (fewer when there are fewer samples).
    public static func shardRanges(samples: Int, count: Int) -> [Range<Int>] {
        let runs = Swift.max(1, Swift.min(count, samples))
        return (0..<runs).map { i in (samples * i / runs)..<(samples * (i + 1) / runs) }
    }

    /// `samples` cut into `count` runs of consecutive samples (sizes differing by at most one;
    /// fewer runs when there are fewer samples), each a batch of its own with its samples'
    /// images, padded to its own longest sample: the shards of a batch trained concurrently.
    public static func shards(samples: [MultimodalSample], images: Tensor, count: Int, tokenIds: CalmTokenIds,
                              config: CalmConfig, padId: Int = 0) throws -> [MultimodalBatch] {
        precondition(count >= 1, "shards: count \(count) must be at least 1")
        let imagesPerSample = samples.map { $0.ids.filter { $0 == tokenIds.image }.count }
        let given = images.rank == 4 ? images.shape[0] : 0
        guard imagesPerSample.reduce(0, +) == given else {
            throw SequenceError("the samples hold \(imagesPerSample.reduce(0, +)) <image> placeholder(s) but \(given) image(s) were given")
        }
        return try shardRanges(samples: samples.count, count: count).map { range in
            let firstImage = imagesPerSample[..<range.lowerBound].reduce(0, +)
            let partImages = given > 0 ? images.slice(axis: 0, firstImage..<firstImage + imagesPerSample[range].reduce(0, +)) : images
            return try MultimodalBatch(samples: Array(samples[range]), images: partImages, tokenIds: tokenIds, config: config, padId: padId)
        }
    }

    /// The routing mask [B, 1, |queries|, keys] for query positions `queries` over the first
    /// `keys` positions; positions at or past the batch length are text (decoded tokens).
    public func routingMask(queries: Range<Int>, keys: Int) -> Tensor {
        var mask = [UInt8](repeating: 1, count: batchSize * queries.count * keys)
        for b in 0..<batchSize where !hidden[b].isEmpty {
            for j in 0..<min(keys, length) {
                guard let key = slots[b][j], hidden[b].contains(key.group) else { continue }
                for (r, i) in queries.enumerated() {
                    let query = i < length ? slots[b][i] : nil
                    if query?.image != key.image || query?.group != key.group { mask[(b * queries.count + r) * keys + j] = 0 }
                }
            }
        }
        return Tensor(mask, shape: [batchSize, 1, queries.count, keys])
    }
}
