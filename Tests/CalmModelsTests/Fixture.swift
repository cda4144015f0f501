import CalmTensor
import Foundation
@testable import CalmModels

/// A micro CALM parity fixture written by Scripts/fixtures/calm_tiny.py.
struct MicroFixture {
    /// The fixtures: the reference layout, and with `mfam.regionQueries` on.
    static let names = ["calm_micro", "calm_micro_regions"]

    struct Description: Decodable { let config: CalmConfig; let samples: [FixtureSample]; let tokenIds: [String: Int] }

    let config: CalmConfig
    let samples: [MultimodalSample]
    let tokenIds: CalmTokenIds
    let tensors: [String: Tensor]

    let name: String

    init(_ name: String = "calm_micro") throws {
        self.name = name
        let json = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
        let description = try JSONDecoder().decode(Description.self, from: Data(contentsOf: json))
        (config, samples, tokenIds) = (description.config, description.samples.map(\.sample), CalmTokenIds(description.tokenIds))
        tensors = try SafeTensors.read(Bundle.module.url(forResource: name, withExtension: "safetensors",
                                                         subdirectory: "Fixtures")!)
    }

    /// The model with the fixture's weights.
    func model() throws -> CalmModel {
        let model = CalmModel(config, seed: 1)
        let weights = tensors.filter { $0.key.hasPrefix("weight.") }
        try model.load(Dictionary(uniqueKeysWithValues: weights.map { (String($0.key.dropFirst(7)), $0.value) }), source: name)
        return model
    }

    func batch() throws -> MultimodalBatch {
        try MultimodalBatch(samples: samples, images: tensors["images"]!, tokenIds: tokenIds, config: config)
    }
}

/// A sample as the fixture scripts write it.
struct FixtureSample: Decodable {
    let ids: [Int], lossMask: [Bool], visibleGroups: [String]

    var sample: MultimodalSample {
        let groups = ["low": VisualGroup.low, "middle": .middle, "high": .high, "thematic": .thematic]
        return MultimodalSample(ids: ids, lossMask: lossMask, visibleGroups: Set(visibleGroups.compactMap { groups[$0] }))
    }
}

extension CalmTokenIds {
    /// The ids of a fixture's `tokenIds` table.
    init(_ ids: [String: Int]) {
        self.init(image: ids["image"]!, low: ids["low"]!, middle: ids["middle"]!, high: ids["high"]!, thematic: ids["thematic"]!)
    }
}
