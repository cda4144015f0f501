import CalmTestSupport
import CalmAutograd
import CalmModels
import CalmTensor
import XCTest
@testable import CalmTraining

final class CheckpointTests: XCTestCase {
    private func sample(step: Int) -> TrainingCheckpoint {
        var random = RandomGenerator(seed: UInt64(step))
        let names = ["vision.blocks.0.attn.qkv.weight", "vision.class_token", "llm.norm.weight"]
        let shapes = [[6, 2], [2], [3]]
        let parameters = zip(names, shapes).map { ($0, Tensor.normal($1, using: &random)) }
        return TrainingCheckpoint(step: step, scheduleStep: step, parameters: parameters,
                                  moments: ["llm.norm.weight": (Tensor.normal([3], using: &random), Tensor.uniform([3], using: &random))],
                                  optimizerUpdates: step - 1, nonFiniteStreak: 1, randomState: random.state,
                                  generators: ["vision.blocks.0.dropout": RandomGenerator(seed: 9).state],
                                  dataPosition: #"{"epoch":0,"cursor":\#(step)}"#, recipe: "stage: pretrain\n", tokenizer: "{\"model\": {}}")
    }

    func testRoundTripIsExact() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = sample(step: 7)
        try written.write(to: folder + "/c.h5")
        let read = try TrainingCheckpoint.read(from: folder + "/c.h5")
        XCTAssertEqual(read.step, 7)
        XCTAssertEqual(read.optimizerUpdates, 6)
        XCTAssertEqual(read.nonFiniteStreak, 1)
        XCTAssertEqual(read.randomState, written.randomState)
        XCTAssertEqual(read.generators, written.generators)
        XCTAssertEqual(read.dataPosition, written.dataPosition)
        XCTAssertEqual(read.tokenizer, written.tokenizer)
        XCTAssertEqual(read.recipe, written.recipe)
        let parameters = Dictionary(uniqueKeysWithValues: read.parameters.map { ($0.name, $0.value) })
        for (name, value) in written.parameters {
            XCTAssertEqual(parameters[name]?.shape, value.shape, name)
            XCTAssertEqual(parameters[name]?.toArray(Float.self), value.toArray(Float.self), name)
        }
        XCTAssertEqual(read.moments["llm.norm.weight"]?.v.toArray(Float.self), written.moments["llm.norm.weight"]?.v.toArray(Float.self))
        let shapes = try TrainingCheckpoint.parameterShapes(in: folder + "/c.h5")
        XCTAssertEqual(shapes.map(\.name).sorted(), written.parameters.map(\.name).sorted())
    }

    /// Damage to the newest checkpoint (truncation, a flipped byte, a missing sidecar) is detected
    /// and the previous complete one is used.
    func testDamagedNewestCheckpointFallsBackToThePreviousOne() throws {
        let damages: [(String, (String) throws -> Void)] = [
            ("truncated", { path in try FileHandle(forWritingAtPath: path)!.truncate(atOffset: 1000) }),
            ("flipped byte", { path in
                var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
                bytes[bytes.count / 2] ^= 0x40
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }),
            ("no sidecar", { path in try FileManager.default.removeItem(atPath: path + ".sha256") }),
        ]
        for (label, damage) in damages {
            let folder = try makeTrainingTestFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let directory = CheckpointDirectory(folder: folder)
            try directory.save(sample(step: 2))
            let newest = try directory.save(sample(step: 4))
            try damage(newest)
            var reports: [String] = []
            let found = directory.newestComplete { reports.append($0.message) }
            XCTAssertEqual(found?.checkpoint.step, 2, label)
            XCTAssertEqual(reports.count, 1, label)
            XCTAssertTrue(reports.first?.contains("step-00000004.h5") == true, "\(label): \(reports)")
            XCTAssertThrowsError(try directory.verify(newest), label)
        }
    }

    func testPruneKeepsTheLastNAndEveryKth() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = CheckpointDirectory(folder: folder)
        for step in stride(from: 1, through: 9, by: 1) { try directory.save(sample(step: step)) }
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/step-00000010.h5.tmp-99999", contents: Data([1, 2])))
        directory.prune(keepLast: 2, keepEvery: 4)
        XCTAssertEqual(directory.steps(), [4, 8, 9])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(names, ["latest.h5", "step-00000004.h5", "step-00000004.h5.sha256", "step-00000008.h5", "step-00000008.h5.sha256",
                               "step-00000009.h5", "step-00000009.h5.sha256"])
        try directory.verify(folder + "/latest.h5")
        XCTAssertEqual(try TrainingCheckpoint.read(from: CheckpointDirectory.resolve(folder + "/latest.h5")).step, 9)
    }

    /// Loading from a checkpoint with a different parameter set reports what was loaded and what
    /// kept its initialization; a shape mismatch names the tensor and changes nothing.
    func testLoadWeightsReportsAndRejectsShapeMismatches() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stored = sample(step: 3)
        let path = try CheckpointDirectory(folder: folder).save(stored)
        let model: [(name: String, variable: Variable)] = [
            ("vision.class_token", .parameter(.zeros([2]), name: "vision.class_token")),
            ("mfam.low.queries", .parameter(.ones([4, 2]), name: "mfam.low.queries")),
        ]
        let report = try loadWeights(from: path, into: model)
        XCTAssertEqual(report.loaded, ["vision.class_token"])
        XCTAssertEqual(report.initialized, ["mfam.low.queries"])
        XCTAssertEqual(report.unused, ["llm.norm.weight", "vision.blocks.0.attn.qkv.weight"])
        XCTAssertEqual(model[0].variable.value.toArray(Float.self), stored.parameters[1].value.toArray(Float.self))
        XCTAssertEqual(model[1].variable.value.toArray(Float.self), [Float](repeating: 1, count: 8))

        let mismatched: [(name: String, variable: Variable)] = [("llm.norm.weight", .parameter(.zeros([4]), name: "llm.norm.weight"))]
        XCTAssertThrowsError(try loadWeights(from: path, into: mismatched)) { error in
            XCTAssertTrue("\(error)".contains("llm.norm.weight") && "\(error)".contains("[3]"), "\(error)")
        }
        XCTAssertEqual(mismatched[0].variable.value.toArray(Float.self), [0, 0, 0, 0])
    }

    /// `configDifferences` names each model-config field that differs between the config a
    /// checkpoint was trained under (its recipe's `model.config`) and another; none for the same.
    func testConfigDifferencesNameTheFieldsThatDifferFromTheCheckpoints() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var regions = CalmConfig.named["calm-tiny"]!
        regions.mfam.regionQueries = true
        let configPath = folder + "/regions.json"
        try JSONEncoder().encode(regions).write(to: URL(fileURLWithPath: configPath))
        var stored = sample(step: 3)
        stored.recipe = "stage: pretrain\nmodel: {config: \(configPath)}\n"
        let path = try CheckpointDirectory(folder: folder).save(stored)

        let plain = try XCTUnwrap(configDifferences(checkpoint: path, from: CalmConfig.named["calm-tiny"]!))
        XCTAssertEqual(plain.source, configPath)
        XCTAssertEqual(plain.fields, ["mfam.regionQueries true → false"])
        XCTAssertEqual(configDifferences(checkpoint: path, from: regions)?.fields, [])
        var wider = regions
        (wider.language.ropeTheta, wider.mfam.regionQueries) = (500_000, false)
        XCTAssertEqual(configDifferences(checkpoint: path, from: wider)?.fields, ["language.ropeTheta 10000 → 500000", "mfam.regionQueries true → false"])
    }

    /// A parameter named in `growingRows` may have more rows than its tensor (calm's special tokens
    /// on an imported vocabulary): the stored rows are copied and each added row is their mean.
    /// Fewer rows, or another width, stay errors.
    func testLoadWeightsGrowsRowsWithTheirMean() throws {
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stored = sample(step: 3)
        let path = try CheckpointDirectory(folder: folder).save(stored)
        let name = "vision.blocks.0.attn.qkv.weight", rows = stored.parameters[0].value.toArray(Float.self)
        let embedding: [(name: String, variable: Variable)] = [(name, .parameter(.zeros([8, 2]), name: name))]
        let report = try loadWeights(from: path, into: embedding, growingRows: [name])
        XCTAssertEqual(report.grown, [name])
        XCTAssertTrue(report.summary.contains("grown by mean rows: \(name)"), report.summary)
        let mean = (0..<2).map { c in (0..<6).map { Double(rows[2 * $0 + c]) }.reduce(0, +) / 6 }
        let loaded = embedding[0].variable.value.toArray(Float.self)
        XCTAssertEqual(Array(loaded[..<12]), rows)
        for row in 6..<8 {
            for c in 0..<2 { XCTAssertEqual(Double(loaded[2 * row + c]), mean[c], accuracy: 1e-6) }
        }
        for shape in [[4, 2], [8, 3]] {
            let other: [(name: String, variable: Variable)] = [(name, .parameter(.zeros(shape), name: name))]
            XCTAssertThrowsError(try loadWeights(from: path, into: other, growingRows: [name])) { error in
                XCTAssertTrue("\(error)".contains(name) && "\(error)".contains("[6, 2]"), "\(error)")
            }
        }
    }

    /// h5py (not our reader) opens a checkpoint and a weights export and lists every tensor with its shape.
    func testH5pyListsEveryTensor() throws {
        guard pythonHas("h5py") else { throw XCTSkip("h5py is not installed") }
        let folder = try makeTrainingTestFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try CheckpointDirectory(folder: folder).save(sample(step: 5))
        try exportWeightsOnly(from: folder + "/latest.h5", to: folder + "/weights.h5")
        let script = """
        import h5py, sys
        for path in sys.argv[1:]:
            with h5py.File(path, "r") as f:
                print(path.split("/")[-1], f.attrs["kind"], f.attrs["format_version"])
                f.visititems(lambda name, obj: print(" ", name, list(obj.shape)) if isinstance(obj, h5py.Dataset) else None)
        """
        let (status, output) = try ChildProcess("/usr/bin/env", ["python3", "-c", script, path, folder + "/weights.h5"]).finish()
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output, """
        step-00000005.h5 training 1
          generators/vision/blocks/0/dropout [4]
          optimizer/m/llm/norm/weight [3]
          optimizer/v/llm/norm/weight [3]
          params/llm/norm/weight [3]
          params/vision/blocks/0/attn/qkv/weight [6, 2]
          params/vision/class_token [2]
          tokenizer [1]
        weights.h5 weights 1
          params/llm/norm/weight [3]
          params/vision/blocks/0/attn/qkv/weight [6, 2]
          params/vision/class_token [2]

        """)
    }
}
