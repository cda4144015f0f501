/// The scoring metrics of one set of predictions, as `calm eval scoring` prints them.
public struct ScoringReport: Equatable {
    /// Spearman's rank correlation; NaN when predictions or labels are constant.
    public var srcc: Double
    /// Pearson's linear correlation; NaN when predictions or labels are constant.
    public var plcc: Double
    /// Kendall's tau-b; NaN when predictions or labels are constant.
    public var krcc: Double
    public var rmse: Double
    /// Agreement on good (above the threshold) versus bad.
    public var accuracy: Double
    /// Mean earth mover's distance of the distributions, when the table has them.
    public var emd: Double?

    /// Computes every metric; `threshold` splits good from bad, `emdPower` is EMD's r.
    public init(_ table: ScoreTable, threshold: Double = 5, emdPower: Double = 2) throws {
        srcc = try spearman(table.predictions, table.labels)
        plcc = try pearson(table.predictions, table.labels)
        krcc = try kendallTauB(table.predictions, table.labels)
        rmse = try rootMeanSquaredError(table.predictions, table.labels)
        accuracy = try binaryAccuracy(table.predictions, table.labels, threshold: threshold)
        emd = try table.distributions.map { try earthMoversDistance($0.predicted, $0.groundTruth, power: emdPower) }
    }

    /// One JSON object: `srcc`, `plcc`, `krcc`, `rmse`, `accuracy`, and `emd` when present.
    public var json: String {
        var fields: [(key: String, value: Double)] = [("srcc", srcc), ("plcc", plcc), ("krcc", krcc), ("rmse", rmse), ("accuracy", accuracy)]
        if let emd { fields.append(("emd", emd)) }
        return jsonLine(fields)
    }
}
