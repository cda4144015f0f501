import CalmHDF5
import CalmNN
import CalmTensor
import CalmText
import Foundation

/// The HDF5 file `calm import` writes: every parameter as a float32 dataset at its name with
/// "." → "/" (the layout of calm checkpoints), and root attributes that rebuild the model
/// from the file alone: `vision_config` or `language_config` (the configuration as JSON),
/// `tokenizer_json` (Hugging Face tokenizer.json text, when known) and `import_source`.
extension ImportedWeights {
    static let visionKey = "vision_config", languageKey = "language_config"
    static let tokenizerKey = "tokenizer_json", sourceKey = "import_source"

    /// Writes the checkpoint atomically, after checking that the tensors build the model.
    public func write(to path: String) throws {
        switch part {
        case .vision: _ = try visionEncoder()
        case .language: _ = try languageModel()
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let (key, config): (String, Data)
        switch part {
        case .vision(let c): (key, config) = (Self.visionKey, try encoder.encode(c))
        case .language(let c): (key, config) = (Self.languageKey, try encoder.encode(c))
        }
        let tokenizerJSON = try checkedTokenizer().map { String(decoding: try $0.huggingFaceJSON(), as: UTF8.self) }
        try AtomicFile.writeHDF5(to: path) { file in
            for name in tensors.keys.sorted() {
                let value = tensors[name]!.to(.float32).contiguous()
                try file.write(value.toArray(Float.self), shape: value.shape, to: Module.datasetPath(name))
            }
            try file.setAttribute(key, .string(String(decoding: config, as: UTF8.self)))
            if let tokenizerJSON { try file.setAttribute(Self.tokenizerKey, .string(tokenizerJSON)) }
            try file.setAttribute(Self.sourceKey, .string(source))
        }
    }

    /// Reads a checkpoint written by `write(to:)`.
    public static func read(from path: String) throws -> ImportedWeights {
        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let names = try file.attributeNames()
        func string(_ key: String) throws -> String {
            guard case .string(let value) = try file.attribute(key) else {
                throw ImportError(file: path, key: "@\(key)", message: "is not a string")
            }
            return value
        }
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            do { return try JSONDecoder().decode(T.self, from: Data(try string(key).utf8)) } catch let error as ImportError { throw error } catch {
                throw ImportError(file: path, key: "@\(key)", message: "unreadable configuration: \(error)")
            }
        }
        let part: Part
        if names.contains(visionKey) { part = .vision(try decode(VisionConfig.self, visionKey)) }
        else if names.contains(languageKey) { part = .language(try decode(LanguageConfig.self, languageKey)) }
        else { throw ImportError(file: path, key: "@\(languageKey)", message: "no vision_config or language_config attribute: not written by calm import") }
        var tensors = [String: Tensor]()
        for member in try file.members() where member.kind == .dataset {
            let name = member.path.split(separator: "/").joined(separator: ".")
            guard member.dtype == .float32 else { throw ImportError(file: path, key: "tensor \(name)", message: "is not float32") }
            let array = try file.read(Float.self, from: member.path)
            tensors[name] = Tensor(array.values, shape: array.shape)
        }
        let tokenizer: Tokenizer?
        do {
            tokenizer = names.contains(tokenizerKey) ? try Tokenizer(huggingFaceJSON: Data(try string(tokenizerKey).utf8)) : nil
        } catch let error as ImportError { throw error } catch {
            throw ImportError(file: path, key: "@\(tokenizerKey)", message: "unreadable tokenizer: \(error)")
        }
        let source = names.contains(sourceKey) ? try string(sourceKey) : path
        return ImportedWeights(part: part, tensors: tensors, tokenizer: tokenizer, source: source)
    }
}

extension CalmModel {
    /// CALM built from a pretrained vision tower and a pretrained language model (checkpoints
    /// written by `calm import`) with a freshly initialized MFAM of the given shape.
    public convenience init(pretrainedVision visionPath: String, language languagePath: String, mfam: MFAMConfig, seed: UInt64 = 0) throws {
        let vision = try ImportedWeights.read(from: visionPath), language = try ImportedWeights.read(from: languagePath)
        guard case .vision(let visionConfig) = vision.part else {
            throw ImportError(file: visionPath, key: "@vision_config", message: "not a vision tower checkpoint")
        }
        guard case .language(let languageConfig) = language.part else {
            throw ImportError(file: languagePath, key: "@language_config", message: "not a language model checkpoint")
        }
        let config = CalmConfig(vision: visionConfig, mfam: mfam, language: languageConfig)
        try config.validate(source: "\(visionPath) + \(languagePath)")
        self.init(config, seed: seed)
        try self.vision.load(vision.unprefixed("vision."), source: visionPath)
        try llm.load(language.unprefixed("llm."), source: languagePath)
    }
}
