import CalmModels
import Foundation
import Yams

/// How the model config a checkpoint was trained under (its recipe's `model.config`) differs from
/// `config`, field by field: `model.init_from` loads weights by name and shape, so a field that
/// changes behaviour without changing a shape (`mfam.regionQueries`, `language.ropeTheta`) would
/// otherwise change silently. Nil when the file has no readable recipe (a `calm import` file) or
/// its config cannot be loaded from here.
public func configDifferences(checkpoint path: String, from config: CalmConfig) -> (source: String, fields: [String])? {
    // Only `model.config` is read: an older recipe may have keys this calm no longer knows.
    guard let yaml = try? TrainingCheckpoint.recipe(in: CheckpointDirectory.resolve(path)),
          let recipe = (try? Yams.load(yaml: yaml)) as? [String: Any] else { return nil }
    let source = (recipe["model"] as? [String: Any])?["config"] as? String ?? "calm-tiny"
    guard let trained = try? CalmConfig.load(source) else { return nil }
    let (theirs, ours) = (flattened(trained), flattened(config))
    let fields = Set(theirs.keys).union(ours.keys).sorted().compactMap { key -> String? in
        theirs[key] == ours[key] ? nil : "\(key) \(theirs[key] ?? "absent") → \(ours[key] ?? "absent")"
    }
    return (source, fields)
}

/// Every leaf of `config`'s JSON form by dotted key, as JSON text.
private func flattened(_ config: CalmConfig) -> [String: String] {
    let object = try! JSONSerialization.jsonObject(with: try! JSONEncoder().encode(config))
    var leaves: [String: String] = [:]
    func visit(_ value: Any, _ key: String) {
        if let dictionary = value as? [String: Any] {
            for (name, child) in dictionary { visit(child, key.isEmpty ? name : key + "." + name) }
        } else {
            let data = try! JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
            leaves[key] = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
    }
    visit(object, "")
    return leaves
}
