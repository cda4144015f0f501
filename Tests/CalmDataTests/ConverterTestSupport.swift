import Foundation
import XCTest
@testable import CalmData

/// Fixture access and checks shared by the converter tests.
enum ConverterFixtures {
    static func url(_ path: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/converters/\(path)", withExtension: nil), path)
    }

    /// The reference values written by Scripts/fixtures/converters_expected.py, per dataset and image.
    static func expected(_ dataset: String) throws -> [String: [String: JSONValue]] {
        let data = try Data(contentsOf: url("expected.json"))
        let all = try JSONValue.parse(data, file: url("expected.json"))
        let entries = try XCTUnwrap(all.objectValue?[dataset]?.objectValue, dataset)
        return entries.compactMapValues(\.objectValue)
    }

    /// Where and why each record was skipped, as "file:line reason" strings.
    static func skips(_ set: InstructionSet) -> [String] {
        set.skipped.map { skip in
            switch skip.location {
            case .line(let n): return "\(skip.file):\(n) \(skip.problem.reason)"
            case .record(let i): return "\(skip.file)#\(i) \(skip.problem.reason)"
            case .key(let k): return "\(skip.file)[\(k)] \(skip.problem.reason)"
            }
        }
    }

    /// Compares the scoring records of `set` with the Python reference: the same images,
    /// scores, levels (in the answer and the metadata) and, where present, distributions.
    static func assertMatchesReference(_ set: InstructionSet, dataset: String, key: (InstructionRecord) -> String = \.id,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try expected(dataset)
        XCTAssertEqual(Set(set.records.map(key)), Set(expected.keys), file: file, line: line)
        for record in set.records {
            let reference = try XCTUnwrap(expected[key(record)], file: file, line: line)
            let level = try XCTUnwrap(reference["level"]?.stringValue)
            XCTAssertEqual(record.metadata["score"]?.doubleValue ?? .nan, reference["score"]?.doubleValue ?? 0,
                           accuracy: 1e-12, record.id, file: file, line: line)
            XCTAssertEqual(record.metadata["level"]?.stringValue, level, record.id, file: file, line: line)
            XCTAssertEqual(record.conversations.last?.value, "The aesthetic quality of the image is \(level).",
                           record.id, file: file, line: line)
            if let distribution = reference["distribution"]?.arrayValue {
                let ours = record.metadata["distribution"]?.arrayValue?.compactMap(\.doubleValue) ?? []
                XCTAssertEqual(ours.count, distribution.count, record.id, file: file, line: line)
                for (a, b) in zip(ours, distribution.compactMap(\.doubleValue)) {
                    XCTAssertEqual(a, b, accuracy: 1e-12, record.id, file: file, line: line)
                }
            }
        }
    }
}
