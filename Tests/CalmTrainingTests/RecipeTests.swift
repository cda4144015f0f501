import CalmSelfSupervision
import XCTest
@testable import CalmTraining

final class RecipeTests: XCTestCase {
    let minimal = """
    stage: pretrain
    data:
      sources:
        photos: {kind: shards, path: /tmp}
    train:
      max_steps: 10
    optimizer:
      lr: 1.0e-3
    """

    func testDefaultsAreFilledIn() throws {
        let recipe = try Recipe.parse(yaml: minimal, file: "r.yaml")
        XCTAssertEqual(recipe.stage, .pretrain)
        XCTAssertEqual(recipe.model.config, "calm-tiny")
        XCTAssertEqual(recipe.train.batchSize, 8)
        XCTAssertEqual(recipe.optimizer.betas, [0.9, 0.999])
        XCTAssertEqual(recipe.optimizer.learningRate, 1e-3)
        XCTAssertEqual(recipe.schedule.decay, .cosine)
        XCTAssertEqual(recipe.data.sources, [.init(name: "photos", kind: .shards, path: "/tmp", weight: 1)])
        XCTAssertEqual(recipe.runDirectory, "runs/r")
    }

    func testOverridesTakeTheirNaturalTypes() throws {
        let recipe = try Recipe.parse(yaml: minimal, file: "r.yaml",
                                      overrides: ["train.max_steps=7", "optimizer.betas=[0.8, 0.95]", "run.dir=/tmp/x", "schedule.decay=linear"])
        XCTAssertEqual(recipe.train.maxSteps, 7)
        XCTAssertEqual(recipe.optimizer.betas, [0.8, 0.95])
        XCTAssertEqual(recipe.runDirectory, "/tmp/x")
        XCTAssertEqual(recipe.schedule.decay, .linear)
    }

    func testResolvedRecipeReadsBackToTheSameRecipe() throws {
        let recipe = try Recipe.parse(yaml: minimal, file: "r.yaml", overrides: ["train.seed=3"])
        var again = try Recipe.parse(yaml: recipe.resolvedYAML, file: "r.yaml")
        again.file = recipe.file
        XCTAssertEqual(again, recipe)
        XCTAssertTrue(recipe.resolvedYAML.contains("seed: 3"))
    }

    /// The pretrain keys reach the sample generator: the attribute list, the shares and a cue bank
    /// that replaces the grammar's sentences.
    func testPretrainKeysConfigureTheSampleGenerator() throws {
        let bank = FileManager.default.temporaryDirectory.appendingPathComponent("cues-\(getpid()).jsonl").path
        try #"{"attribute": "exposure", "level": "dark", "sentence": "The shot is a bit dim."}"#.write(toFile: bank, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bank) }
        let recipe = try Recipe.parse(yaml: minimal, file: "r.yaml", overrides: [
            "pretrain.attributes=[exposure, tilt]", "pretrain.focused_questions=1", "pretrain.augment=0.25",
            "pretrain.target_levels=0.8", "pretrain.cue_bank=\(bank)", "pretrain.cue_bank_mode=replace",
            "pretrain.pair_edits=[exposure, colour_cast]"])
        let generator = try recipe.pretrain.sampleGenerator(imageSide: 128)
        XCTAssertEqual(generator.attributes, [.exposure, .tilt])
        XCTAssertEqual(generator.scales, [.low, .middle])
        XCTAssertEqual(generator.focusedShare, 1)
        XCTAssertEqual(generator.augmentShare, 0.25)
        XCTAssertEqual(generator.targetShare, 0.8)
        XCTAssertEqual(generator.longSide, 128)
        XCTAssertEqual(generator.pairEdits, [.exposure, .colourCast])
        XCTAssertEqual(generator.renderer.candidates(.exposure, level: "dark"), ["The shot is a bit dim."])
        // Defaults: every attribute, half single-attribute questions, half edited photos, no level
        // targeting, no cue bank.
        let defaults = try Recipe.parse(yaml: minimal, file: "r.yaml").pretrain.sampleGenerator(imageSide: 128)
        XCTAssertEqual(defaults.attributes, Attribute.allCases)
        XCTAssertEqual([defaults.focusedShare, defaults.augmentShare, defaults.targetShare], [0.5, 0.5, 0])
        XCTAssertEqual(defaults.pairEdits, ImageEdit.Kind.allCases)
        XCTAssertNil(defaults.renderer.cueBank)
    }

    /// Each bad recipe must fail naming the offending key (and the file), before any work.
    func testBadRecipesNameTheKey() {
        let cases: [(change: [String], yaml: String?, key: String, says: String)] = [
            (["train.max_step=3"], nil, "train.max_step", "did you mean 'train.max_steps'"),
            (["optimizer.lr=fast"], nil, "optimizer.lr", "must be a number"),
            (["optimizer.betas=[0.9]"], nil, "optimizer.betas", "list of 2 numbers"),
            (["optimizer.betas=[0.9, 1.5]"], nil, "optimizer.betas", "[0, 1)"),
            (["stage=finetune"], nil, "stage", "must be one of align, vision, pretrain, instruct, personalize"),
            (["train.batch_size=0"], nil, "train.batch_size", "at least 1"),
            (["train.shards_per_step=0"], nil, "train.shards_per_step", "auto or a positive integer"),
            (["data.sources.photos.path=/no/such/folder"], nil, "data.sources.photos.path", "no such file"),
            (["data.sources.photos.wieght=2"], nil, "data.sources.photos.wieght", "unknown key"),
            (["schedule.warmup_steps=50"], nil, "schedule.warmup_steps", "longer than train.max_steps"),
            (["stage=instruct"], nil, "data.sources", "needs at least one source of kind 'instructions'"),
            ([], "stage: pretrain\ntrain:\n  max_steps: 3\n", "optimizer.lr", "is required"),
            ([], "stage: pretrain\nstage: align\n", "stage", "appears twice"),
            (["train"], nil, "train", "key.sub=value"),
            (["pretrain.attributes=[exposure, glow]"], nil, "pretrain.attributes", "unknown attribute 'glow'"),
            (["pretrain.focused_questions=1.5"], nil, "pretrain.focused_questions", "at most 1"),
            (["pretrain.target_levels=-0.1"], nil, "pretrain.target_levels", "at least 0"),
            (["pretrain.pair_edits=[exposure, vignette]"], nil, "pretrain.pair_edits", "unknown edit 'vignette'"),
            (["pretrain.pair_edits=[]"], nil, "pretrain.pair_edits", "at least one edit"),
            (["pretrain.cue_bank=/no/such/cues.jsonl"], nil, "pretrain.cue_bank", "no such file"),
            (["pretrain.cue_bank_mode=merge"], nil, "pretrain.cue_bank_mode", "must be one of extend, replace"),
        ]
        for c in cases {
            XCTAssertThrowsError(try Recipe.parse(yaml: c.yaml ?? minimal, file: "bad.yaml", overrides: c.change), "\(c)") { error in
                guard let error = error as? RecipeError else { return XCTFail("\(c): \(error)") }
                XCTAssertEqual(error.key, c.key, "\(c)")
                XCTAssertTrue(error.description.contains(c.says), "\(error.description) should say \(c.says)")
                XCTAssertTrue(error.file.hasPrefix("bad.yaml"), error.description)
            }
        }
    }

    /// `pretrain: {}` is a known section with nothing set (defaults); an empty unknown one still fails.
    func testEmptySectionsKeepDefaultsUnlessUnknown() throws {
        let recipe = try Recipe.parse(yaml: minimal + "\npretrain: {}\n", file: "r.yaml")
        XCTAssertEqual(try recipe.pretrain.sampleGenerator(imageSide: 128).targetShare, 0)
        XCTAssertThrowsError(try Recipe.parse(yaml: minimal + "\npretrian: {}\n", file: "bad.yaml")) { error in
            XCTAssertEqual((error as? RecipeError)?.key, "pretrian")
        }
    }

    func testErrorsGiveTheLineInTheFile() {
        let yaml = minimal.replacingOccurrences(of: "max_steps: 10", with: "max_steps: ten")
        XCTAssertThrowsError(try Recipe.parse(yaml: yaml, file: "bad.yaml")) { error in
            XCTAssertEqual((error as? RecipeError)?.line, 6)
            XCTAssertEqual((error as? RecipeError)?.description, "bad.yaml:6: 'train.max_steps': must be an integer, got 'ten'")
        }
    }

    func testOverridesAreNamedAsSuch() {
        XCTAssertThrowsError(try Recipe.parse(yaml: minimal, file: "r.yaml", overrides: ["train.max_steps=-1"])) { error in
            XCTAssertTrue("\(error)".contains("command-line override"), "\(error)")
        }
    }

    func testParameterPatterns() throws {
        let recipe = try Recipe.parse(yaml: minimal, file: "r.yaml",
                                      overrides: ["train.trainable=[mfam.*, llm.*]", "train.frozen=[llm.embed*]"])
        XCTAssertTrue(recipe.trains(parameter: "mfam.low.queries"))
        XCTAssertTrue(recipe.trains(parameter: "llm.layers.0.mlp.gate.weight"))
        XCTAssertFalse(recipe.trains(parameter: "llm.embedding.weight"))
        XCTAssertFalse(recipe.trains(parameter: "vision.blocks.3.attn.qkv.weight"))
        XCTAssertFalse(recipe.decays(parameter: "vision.blocks.3.attn.qkv.bias"))
        XCTAssertFalse(recipe.decays(parameter: "llm.layers.0.input_norm.weight"))
        XCTAssertTrue(recipe.decays(parameter: "llm.layers.0.mlp.gate.weight"))
        let table: [(String, String, Bool)] = [("*", "", true), ("a?c", "abc", true), ("a?c", "ac", false),
                                               ("vision.*.weight", "vision.blocks.0.weight", true), ("*.bias", "bias", false)]
        for (pattern, name, expected) in table { XCTAssertEqual(NamePattern.matches(pattern, name), expected, "\(pattern) ~ \(name)") }
    }

    func testBundledRecipesAreValid() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Recipes").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(files.isEmpty)
        for name in files {
            XCTAssertNoThrow(try Recipe.load(file: folder.appendingPathComponent(name).path, checkFiles: false), name)
        }
    }
}
