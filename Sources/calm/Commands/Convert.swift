import ArgumentParser
import CalmData
import Foundation

/// `calm convert <dataset>`: official annotation files → JSONL instruction sets.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a dataset's official annotations into an instruction set (JSONL).",
        subcommands: [AVA.self, AADB.self, TAD66K.self, PARA.self, PARAPersonal.self, FlickrAES.self, AVACaptions.self]
    )

    /// How scores are answered.
    struct Answer: ParsableArguments {
        @Flag(help: "Answer with the score (\"6.53\") instead of a level word.")
        var numeric = false

        var style: ScoreAnswerStyle { numeric ? .numeric : .level }
    }

    /// Where the set goes.
    struct Output: ParsableArguments {
        @Option(help: "The JSONL file to write (replaced atomically).")
        var output: String

        @Option(help: "Image folder; records whose images are not in it are skipped.")
        var images: String?

        /// Converts, drops records without images, writes the set and prints the summary.
        func write(_ converter: DatasetConverter) throws {
            let set = try Convert.convert(converter, images: images)
            try set.write(to: URL(fileURLWithPath: output))
            print("wrote \(output)\n\(set.summary())")
        }
    }

    /// Where per-user sets go and how each user's ratings are split.
    struct PersonalOutput: ParsableArguments {
        @Option(help: "Folder for <user>.train.jsonl and <user>.test.jsonl files.")
        var outputDir: String

        @Option(help: "Image folder; records whose images are not in it are skipped.")
        var images: String?

        @Option(help: "Training ratings per user (k-shot); the rest are held out for testing.")
        var shots = 10

        @Option(help: "Seed of the per-user split.")
        var seed: UInt64 = 0

        var split: PersonalizedSplit { PersonalizedSplit(shots: shots, seed: seed) }

        func validate() throws {
            guard shots > 0 else { throw ValidationError("--shots must be positive") }
        }

        func write(_ converter: DatasetConverter) throws {
            let set = try Convert.convert(converter, images: images)
            let folder = URL(fileURLWithPath: outputDir)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let files = try set.writePerUser(to: folder)
            print("wrote \(files.count) files to \(outputDir)\n\(set.summary())")
        }
    }

    static func convert(_ converter: DatasetConverter, images: String?) throws -> InstructionSet {
        var set = try converter.convert()
        if let images {
            set.dropRecordsWithMissingImages(in: ImageFolder(URL(fileURLWithPath: images)), file: images)
        }
        return set
    }

    struct AVA: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ava", abstract: "AVA: AVA.txt vote counts, optional split file.")
        @Option(help: "AVA.txt") var annotations: String
        @Option(help: "A split file of image ids, e.g. generic_test.jpgl.") var splitFile: String?
        @OptionGroup var answer: Answer
        @OptionGroup var output: Output

        func run() throws {
            try output.write(AVAConverter(annotations: URL(fileURLWithPath: annotations),
                                          splitFile: splitFile.map { URL(fileURLWithPath: $0) }, style: answer.style))
        }
    }

    struct AADB: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "aadb", abstract: "AADB: imgList<Split>Regression_<attribute>.txt files.")
        @Option(help: "The folder of imgList*Regression_*.txt files.") var labels: String
        @Option(help: "Train, Validation, Test or TestNew.") var split = "Train"
        @Flag(help: "Add a turn describing the attributes.") var attributes = false
        @OptionGroup var answer: Answer
        @OptionGroup var output: Output

        func run() throws {
            try output.write(AADBConverter(folder: URL(fileURLWithPath: labels), split: split, style: answer.style,
                                           describeAttributes: attributes))
        }
    }

    struct TAD66K: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tad66k", abstract: "TAD66K: image,score CSV.")
        @Option(help: "The CSV file (train.csv or test.csv).") var annotations: String
        @OptionGroup var answer: Answer
        @OptionGroup var output: Output

        func run() throws {
            try output.write(TAD66KConverter(annotations: URL(fileURLWithPath: annotations), style: answer.style))
        }
    }

    struct PARA: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "para", abstract: "PARA group ratings: PARA-GiaaTrain.csv / PARA-GiaaTest.csv.")
        @Option(help: "PARA-GiaaTrain.csv or PARA-GiaaTest.csv") var annotations: String
        @OptionGroup var answer: Answer
        @OptionGroup var output: Output

        func run() throws {
            try output.write(PARAConverter(annotations: URL(fileURLWithPath: annotations), style: answer.style))
        }
    }

    struct PARAPersonal: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "para-personal", abstract: "PARA personal ratings, split per user.")
        @Option(help: "PARA-Images.csv") var ratings: String
        @Option(help: "PARA-UserInfo.csv") var userInfo: String?
        @OptionGroup var answer: Answer
        @OptionGroup var output: PersonalOutput

        func run() throws {
            try output.write(PARAPersonalizedConverter(ratings: URL(fileURLWithPath: ratings),
                                                       userInfo: userInfo.map { URL(fileURLWithPath: $0) },
                                                       split: output.split, style: answer.style))
        }
    }

    struct FlickrAES: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "flickr-aes", abstract: "FLICKR-AES worker,image,score ratings, split per worker.")
        @Option(help: "FLICKR-AES_image_labeled_by_each_worker.csv") var ratings: String
        @OptionGroup var answer: Answer
        @OptionGroup var output: PersonalOutput

        func run() throws {
            try output.write(FlickrAESConverter(ratings: URL(fileURLWithPath: ratings), split: output.split, style: answer.style))
        }
    }

    struct AVACaptions: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ava-captions", abstract: "AVA-Captions (Karpathy-split JSON) to critiques.")
        @Option(help: "The captions JSON file.") var annotations: String
        @Option(help: "Keep only this split (train, val, test).") var split: String?
        @Flag(help: "One record per comment instead of one per image.") var eachComment = false
        @OptionGroup var output: Output

        func run() throws {
            try output.write(AVACaptionsConverter(annotations: URL(fileURLWithPath: annotations), split: split, eachComment: eachComment))
        }
    }
}
