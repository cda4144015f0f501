import CalmData
import Foundation

/// One photo of the real corpus (Scripts/corpus/build_corpus.py) with its benchmark split.
public struct CorpusPhoto: Equatable, Sendable {
    public enum Quality: String, Sendable {
        /// Curated photos: Wikimedia Commons pictures chosen for display, desktop wallpapers.
        case curated
        /// Amateur snapshots (the Scratch project's 480×360 photos).
        case snapshot
    }

    public enum Split: String, Sendable {
        case train, test
    }

    /// The path inside the corpus folder, e.g. `gcompris/explore-cat.webp`.
    public let file: String
    public let quality: Quality
    public let split: Split
    /// Descriptive caption sentences (82 gcompris photos), empty otherwise.
    public var captions: [String] = []

    /// The benchmark's name for the photo: the path with `/` as `-`, extension dropped.
    public var id: String {
        let flat = file.replacingOccurrences(of: "/", with: "-")
        return flat.firstIndex(of: ".").map { String(flat[..<$0]) } ?? flat
    }

    /// Reads `attribution.csv` (columns `file`, `quality`) and `captions.jsonl` of a corpus
    /// folder. A photo is held out when `stableHash(seed, file) mod 100 < heldOutPercent`:
    /// the split depends only on the file name and the seed.
    public static func read(corpus: URL, seed: UInt64, heldOutPercent: Int = 25) throws -> [CorpusPhoto] {
        let attribution = corpus.appendingPathComponent("attribution.csv")
        let rows = try CSVRows(contentsOf: attribution)
        let fileColumn = try rows.column("file"), qualityColumn = try rows.column("quality")
        let captions = try readCaptions(corpus.appendingPathComponent("captions.jsonl"))
        return try rows.records.enumerated().map { index, fields in
            guard let quality = Quality(rawValue: fields[qualityColumn]) else {
                throw TaskError("\(attribution.path), record \(index + 1): quality '\(fields[qualityColumn])' is not curated or snapshot")
            }
            let file = fields[fileColumn]
            let split: Split = stableHash("\(seed)/\(file)") % 100 < UInt64(heldOutPercent) ? .test : .train
            return CorpusPhoto(file: file, quality: quality, split: split, captions: captions[file] ?? [])
        }
    }

    /// `{"file": ..., "sentences": [...]}` per line, by file.
    private static func readCaptions(_ url: URL) throws -> [String: [String]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TaskError("\(url.path): cannot read (\(error.localizedDescription))")
        }
        var captions: [String: [String]] = [:]
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let file = object?["file"] as? String, let sentences = object?["sentences"] as? [String], !sentences.isEmpty else {
                throw TaskError("\(url.path), line \(index + 1): expected {\"file\": string, \"sentences\": [strings]}")
            }
            captions[file] = sentences
        }
        return captions
    }
}

/// A CSV file with a header line; lines are split by CalmData's `CSVLine` (quoted fields allowed).
struct CSVRows {
    let path: String
    let header: [String]
    let records: [[String]]

    init(contentsOf url: URL) throws {
        do {
            try self.init(text: try String(contentsOf: url, encoding: .utf8), path: url.path)
        } catch let error as TaskError {
            throw error
        } catch {
            throw TaskError("\(url.path): cannot read (\(error.localizedDescription))")
        }
    }

    init(text: String, path: String) throws {
        self.path = path
        var lines = text.split(whereSeparator: \.isNewline).map { CSVLine.fields($0).map(String.init) }
        guard !lines.isEmpty else { throw TaskError("\(path): empty file") }
        header = lines.removeFirst()
        for (index, fields) in lines.enumerated() where fields.count != header.count {
            throw TaskError("\(path), line \(index + 2): \(fields.count) fields, the header has \(header.count)")
        }
        records = lines
    }

    func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else { throw TaskError("\(path): no '\(name)' column in the header") }
        return index
    }
}
