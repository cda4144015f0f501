import CalmTensor
import Foundation
@testable import CalmModels

/// The micro CALM parity fixture written by Scripts/fixtures/calm_tiny.py.
struct MicroFixture {
    struct Sample: Decodable { let ids: [Int]; let lossMask: [Bool]; let visibleGroups: [String] }
    struct Description: Decodable { let config: CalmConfig; let samples: [Sample]; let tokenIds: [String: Int] }

    let config: CalmConfig
    let samples: [MultimodalSample]
    let tokenIds: CalmTokenIds
    let tensors: [String: Tensor]

    init() throws {
        let json = Bundle.module.url(forResource: "calm_micro", withExtension: "json", subdirectory: "Fixtures")!
        let description = try JSONDecoder().decode(Description.self, from: Data(contentsOf: json))
        config = description.config
        let groups = ["low": VisualGroup.low, "middle": .middle, "high": .high, "thematic": .thematic]
        samples = description.samples.map {
            MultimodalSample(ids: $0.ids, lossMask: $0.lossMask, visibleGroups: Set($0.visibleGroups.compactMap { groups[$0] }))
        }
        let ids = description.tokenIds
        tokenIds = CalmTokenIds(image: ids["image"]!, low: ids["low"]!, middle: ids["middle"]!, high: ids["high"]!,
                                thematic: ids["thematic"]!)
        tensors = try SafeTensors.read(Bundle.module.url(forResource: "calm_micro", withExtension: "safetensors",
                                                         subdirectory: "Fixtures")!)
    }

    /// The model with the fixture's weights.
    func model() throws -> CalmModel {
        let model = CalmModel(config, seed: 1)
        let weights = tensors.filter { $0.key.hasPrefix("weight.") }
        try model.load(Dictionary(uniqueKeysWithValues: weights.map { (String($0.key.dropFirst(7)), $0.value) }), source: "calm_micro")
        return model
    }

    func batch() throws -> MultimodalBatch {
        try MultimodalBatch(samples: samples, images: tensors["images"]!, tokenIds: tokenIds, config: config)
    }
}
