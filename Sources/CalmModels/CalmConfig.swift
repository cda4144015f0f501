import Foundation
import Yams

/// The CLIP-style vision encoder's shape.
public struct VisionConfig: Codable, Equatable, Sendable {
    public var imageSize: Int, patchSize: Int
    public var width: Int, depth: Int, heads: Int, mlpHidden: Int
    /// 1-based block numbers whose outputs feed the low, middle and high Q-Formers.
    public var taps: [Int]
    /// CLIP's post-layernorm, applied to the final hidden states the thematic branch reads.
    /// Off in the reference configurations (CALM never uses the pooled class token it was
    /// made for, and the design's parameter counts exclude it); on for imported CLIP towers.
    public var postNorm: Bool = false
    public var normEps: Double = 1e-5

    /// Patches per side and in all.
    public var grid: Int { imageSize / patchSize }
    public var patches: Int { grid * grid }
}

/// The Multi-scale Feature Alignment Module's shape.
public struct MFAMConfig: Codable, Equatable, Sendable {
    /// Learnable queries per Q-Former and layers per Q-Former.
    public var queries: Int, layers: Int
    /// Attention heads (the vision heads in the reference configurations).
    public var heads: Int
    /// Q-Former MLP hidden width as a multiple of the vision width.
    public var mlpRatio: Int = 4
    /// Side g of the thematic branch's pooled g×g grid of patch tokens.
    public var thematicGrid: Int
    /// Whether the middle Q-Former's queries are regional (ours, `regionQueries`; not in the
    /// reference configurations): its Nq = r² queries each attend to the patches of one cell of an
    /// r×r grid (row-major, the thematic branch's pooling windows), not to the whole tap.
    /// Composition is about where things are; queries free to attend anywhere pool the tap by
    /// content and lose where it was (issue 5).
    public var regionQueries: Bool = false

    /// Side r of the region grid: the integer square root of `queries`.
    public var regionGrid: Int { Int(Double(queries).squareRoot().rounded()) }
}

/// The Llama-style language model's shape.
public struct LanguageConfig: Codable, Equatable, Sendable {
    public var vocabularySize: Int
    public var width: Int, depth: Int, heads: Int, mlpHidden: Int
    /// Key/value heads; fewer than `heads` is grouped-query attention.
    public var kvHeads: Int
    public var ropeTheta: Double = 10_000
    public var normEps: Double = 1e-5
    /// Whether the output head reuses the input embeddings.
    public var tiedEmbeddings: Bool = false
}

/// A whole CALM model's shape, loadable from JSON or YAML (keys as the property names).
public struct CalmConfig: Codable, Equatable, Sendable {
    public var vision: VisionConfig
    public var mfam: MFAMConfig
    public var language: LanguageConfig

    /// Visual tokens of one image, introducers excluded: 3·queries + g².
    public var visualTokens: Int { 3 * mfam.queries + mfam.thematicGrid * mfam.thematicGrid }

    /// calm-tiny (architecture.md §5): 11,924,736 parameters.
    public static let tiny = CalmConfig(
        vision: VisionConfig(imageSize: 128, patchSize: 16, width: 192, depth: 6, heads: 3, mlpHidden: 768, taps: [2, 4, 6]),
        mfam: MFAMConfig(queries: 16, layers: 2, heads: 3, thematicGrid: 4),
        language: LanguageConfig(vocabularySize: 4096, width: 256, depth: 4, heads: 4, mlpHidden: 688, kvHeads: 4))

    /// calm-small (architecture.md §5): 70,647,040 parameters.
    public static let small = CalmConfig(
        vision: VisionConfig(imageSize: 224, patchSize: 16, width: 384, depth: 12, heads: 6, mlpHidden: 1536, taps: [4, 8, 12]),
        mfam: MFAMConfig(queries: 32, layers: 2, heads: 6, thematicGrid: 8),
        language: LanguageConfig(vocabularySize: 8192, width: 512, depth: 8, heads: 8, mlpHidden: 1376, kvHeads: 8))

    /// The reference configurations by name.
    public static let named: [String: CalmConfig] = ["calm-tiny": tiny, "calm-small": small]

    /// A reference name, or a JSON (`.json`) or YAML file.
    public static func load(_ nameOrPath: String) throws -> CalmConfig {
        if let config = named[nameOrPath] { return config }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw ConfigError(source: nameOrPath, message: "neither a reference configuration (\(named.keys.sorted().joined(separator: ", "))) nor a readable file")
        }
        let config: CalmConfig
        do {
            config = nameOrPath.hasSuffix(".json") ? try JSONDecoder().decode(CalmConfig.self, from: data)
                : try YAMLDecoder().decode(CalmConfig.self, from: data)
        } catch {
            throw ConfigError(source: nameOrPath, message: "\(error)")
        }
        try config.validate(source: nameOrPath)
        return config
    }

    /// Throws when the shapes cannot make a model.
    public func validate(source: String = "config") throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigError(source: source, message: message) }
        }
        try require(vision.imageSize % vision.patchSize == 0, "vision.imageSize \(vision.imageSize) is not a multiple of patchSize \(vision.patchSize)")
        try require(vision.width % vision.heads == 0, "vision.width \(vision.width) does not split into \(vision.heads) heads")
        try require(vision.taps.count == 3 && vision.taps == vision.taps.sorted() && vision.taps.allSatisfy { (1...vision.depth).contains($0) },
                    "vision.taps \(vision.taps) must be three ascending block numbers in 1...\(vision.depth)")
        try require(vision.width % mfam.heads == 0, "vision.width \(vision.width) does not split into \(mfam.heads) Q-Former heads")
        try require((1...vision.grid).contains(mfam.thematicGrid), "mfam.thematicGrid \(mfam.thematicGrid) outside 1...\(vision.grid)")
        if mfam.regionQueries {
            let side = mfam.regionGrid
            try require(side * side == mfam.queries && side <= vision.grid,
                        "mfam.regionQueries needs a square number of queries, at most one per patch (\(mfam.queries) queries, \(vision.grid)×\(vision.grid) patches)")
        }
        try require(language.width % language.heads == 0 && language.heads % language.kvHeads == 0 && (language.width / language.heads) % 2 == 0,
                    "language width \(language.width), heads \(language.heads), kvHeads \(language.kvHeads) do not fit (even head size, heads a multiple of kvHeads)")
        try require(language.vocabularySize > 0 && vision.depth > 0 && language.depth > 0 && mfam.layers > 0, "sizes must be positive")
    }
}

/// A configuration that cannot be read or built.
public struct ConfigError: Error, CustomStringConvertible {
    public let source: String, message: String
    public var description: String { "\(source): \(message)" }
}

// Defaulted properties may be left out of files.
extension VisionConfig {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        patchSize = try c.decode(Int.self, forKey: .patchSize)
        width = try c.decode(Int.self, forKey: .width)
        depth = try c.decode(Int.self, forKey: .depth)
        heads = try c.decode(Int.self, forKey: .heads)
        mlpHidden = try c.decode(Int.self, forKey: .mlpHidden)
        taps = try c.decode([Int].self, forKey: .taps)
        postNorm = try c.decodeIfPresent(Bool.self, forKey: .postNorm) ?? false
        normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? 1e-5
    }
}

extension MFAMConfig {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        queries = try c.decode(Int.self, forKey: .queries)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        mlpRatio = try c.decodeIfPresent(Int.self, forKey: .mlpRatio) ?? 4
        thematicGrid = try c.decode(Int.self, forKey: .thematicGrid)
        regionQueries = try c.decodeIfPresent(Bool.self, forKey: .regionQueries) ?? false
    }
}

extension LanguageConfig {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        width = try c.decode(Int.self, forKey: .width)
        depth = try c.decode(Int.self, forKey: .depth)
        heads = try c.decode(Int.self, forKey: .heads)
        mlpHidden = try c.decode(Int.self, forKey: .mlpHidden)
        kvHeads = try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? heads
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? 1e-5
        tiedEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tiedEmbeddings) ?? false
    }
}
