import CalmAutograd
import CalmNN
import CalmSelfSupervision
import CalmTensor

/// The mean cross-entropy over every row of `groups` (each group's mean weighted by its rows);
/// nil without rows.
func meanCrossEntropy(_ groups: [ClassifiedRows]) -> Variable? {
    let total = Double(groups.reduce(0) { $0 + $1.targets.count })
    var sum: Variable?
    for group in groups where !group.targets.isEmpty {
        let term = group.logits.crossEntropy(targets: Tensor(group.targets.map(Int64.init))) * (Double(group.targets.count) / total)
        sum = sum.map { $0 + term } ?? term
    }
    return sum
}

extension LevelAccuracy {
    /// Records the level each row of `groups` names against its measured level.
    mutating func record(_ groups: [ClassifiedRows]) {
        for group in groups {
            let values = group.logits.value.toArray(Float.self)
            for (row, attribute) in group.attributes.enumerated() {
                record(targets: [attribute: group.head.level(ofClass: group.targets[row])],
                       named: [attribute: group.head.named(attribute, row: row, logits: values)])
            }
        }
    }

    /// "attribute.accuracy" and "attribute.balanced" of every row, as evaluations log them.
    var metrics: [String: Double] {
        Dictionary(uniqueKeysWithValues: rows.flatMap { row in
            [("\(row.attribute.rawValue).accuracy", row.accuracy ?? 0), ("\(row.attribute.rawValue).balanced", row.balancedAccuracy)]
        })
    }
}

extension PretrainSample {
    /// Each attribute the sample names with the index of its level, attributes in name order.
    var levelIndices: [(attribute: Attribute, level: Int)] {
        targets.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.key.levels.firstIndex(of: $0.value)!) }
    }
}

/// One head's logits for some (sample, attribute) pairs, and the class of each pair's level.
struct ClassifiedRows { var head: LevelHead; var logits: Variable; var targets: [Int]; var attributes: [Attribute] }

/// A linear head naming the levels of some attributes: its classes are their levels, one block
/// per attribute. A row's logits are the whole output with the other attributes' blocks masked
/// out, so that one matmul serves every attribute.
struct LevelHead {
    /// The parameters' prefix ("warmup.low_heads").
    let name: String
    let weight: Variable, bias: Variable
    /// The attributes it names, in class order.
    let attributes: [Attribute]
    /// Each attribute's first class.
    let first: [Attribute: Int]
    /// The attribute and level of each class.
    let levels: [(attribute: Attribute, level: String)]

    /// Nil without attributes.
    init?(name: String, attributes: [Attribute], width: Int, using initializer: inout Initializer) {
        guard !attributes.isEmpty else { return nil }
        var first = [Attribute: Int](), levels = [(attribute: Attribute, level: String)]()
        for attribute in attributes {
            first[attribute] = levels.count
            levels += attribute.levels.map { (attribute, $0) }
        }
        (self.name, self.attributes, self.first, self.levels) = (name, attributes, first, levels)
        weight = initializer.normal([levels.count, width], name: name + ".weight")
        bias = Initializer.constant([levels.count], 0, name: name + ".bias")
    }

    var parameters: [(name: String, variable: Variable)] { [(name + ".weight", weight), (name + ".bias", bias)] }

    /// The masked logits of `features` [rows, width], one row per (attribute, level index).
    func classify(_ features: Variable, _ rows: [(Attribute, Int)]) -> ClassifiedRows {
        let classes = levels.count
        var mask = [Float](repeating: -1e9, count: rows.count * classes)
        for (row, (attribute, _)) in rows.enumerated() {
            for c in first[attribute]!..<(first[attribute]! + attribute.levels.count) { mask[row * classes + c] = 0 }
        }
        let logits = features.matmul(weight.transposed()) + bias + Variable(Tensor(mask, shape: [rows.count, classes]))
        return .init(head: self, logits: logits, targets: rows.map { first[$0.0]! + $0.1 }, attributes: rows.map(\.0))
    }

    func level(ofClass c: Int) -> String { levels[c].level }

    /// The level of `attribute` with the highest logit in `row` of `logits` (row-major values).
    func named(_ attribute: Attribute, row: Int, logits: [Float]) -> String {
        let block = (row * levels.count + first[attribute]!)..<(row * levels.count + first[attribute]! + attribute.levels.count)
        return levels[block.max { logits[$0] < logits[$1] }! - row * levels.count].level
    }
}
