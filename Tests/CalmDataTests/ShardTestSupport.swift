import Foundation
@testable import CalmData

/// A fresh empty folder under the system temporary directory, removed by the caller.
func makeShardTestFolder(_ name: String = #function) throws -> String {
    let folder = NSTemporaryDirectory() + "calm-shards-\(name.filter(\.isLetter))-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Writes shards of synthetic records (id "s<shard>-<row>", two bytes, one label) with a manifest.
func writeSyntheticShards(counts: [Int], to folder: String) throws -> ShardSet {
    var manifest = ShardManifest(source: "synthetic", layout: .encoded, shardSize: counts.max()!, sourceCount: counts.reduce(0, +),
                                 labelNames: ["index"])
    for (shard, count) in counts.enumerated() {
        let samples = (0..<count).map { row in
            ShardSample(id: "s\(shard)-\(row)", image: .encoded([UInt8(shard), UInt8(row)]), label: [Float(shard * 1000 + row)])
        }
        let file = ShardFormat.fileName(forShard: shard)
        let digest = try ShardWriter.write(samples, layout: .encoded, source: "synthetic", to: folder + "/" + file)
        manifest.shards.append(.init(file: file, count: count, sha256: digest, sourceEnd: manifest.imageCount + count))
    }
    manifest.complete = true
    try manifest.save(to: folder)
    return try ShardSet(folder: folder)
}
