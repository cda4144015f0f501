import XCTest
@testable import CalmHDF5

final class HDF5FileTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try makeTemporaryFolder() }
    override func tearDownWithError() throws { try FileManager.default.removeItem(atPath: folder) }

    /// A small file with one dataset of each kind.
    func makeSampleFile() throws -> String {
        let path = folder + "/sample.h5"
        try AtomicFile.writeHDF5(to: path) { file in
            try file.write((0..<12).map { Float($0) }, shape: [4, 3], to: "grid", options: HDF5DatasetOptions(chunks: [1, 3], gzipLevel: 1))
            try file.write(bytes: [[1], [2, 2], [3, 3, 3], [4, 4, 4, 4]], to: "blobs")
            try file.write(strings: ["zero", "one", "two", "three"], to: "names")
            try file.setAttribute("count", .int(4))
        }
        return path
    }

    func testReadsSelectedRows() throws {
        let file = try HDF5File.open(makeSampleFile())
        XCTAssertEqual(try file.read(Float.self, from: "grid", rows: 1..<3), HDF5Array(values: [3, 4, 5, 6, 7, 8], shape: [2, 3]))
        XCTAssertEqual(try file.readBytes(from: "blobs", rows: 2..<4), [[3, 3, 3], [4, 4, 4, 4]])
        XCTAssertEqual(try file.readStrings(from: "/names/", rows: 3..<4), ["three"])
        XCTAssertEqual(try file.readStrings(from: "names", rows: 0..<0), [])
    }

    func testAttributesAreReplacedAndListed() throws {
        let file = try HDF5File.open(makeSampleFile(), mode: .readWrite)
        try file.setAttribute("count", .string("four"))
        try file.setAttribute("origin", .doubles([0.5, -1]), on: "grid")
        XCTAssertEqual(try file.attribute("count"), .string("four"))
        XCTAssertEqual(try file.attributeNames(on: "/grid"), ["origin"])
        XCTAssertEqual(try file.datasetInfo("grid"), HDF5Member(path: "/grid", kind: .dataset, dtype: .float32, shape: [4, 3]))
    }

    func testBadInputThrowsErrorsNamingFileAndObject() throws {
        let sample = try makeSampleFile()
        let garbage = folder + "/garbage.h5"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: garbage))
        let truncated = folder + "/truncated.h5"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sample))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))

        let cases: [(String, String, String, () throws -> Void)] = [
            ("missing file", folder + "/none.h5", "no such file", { _ = try HDF5File.open(self.folder + "/none.h5") }),
            ("garbage file", garbage, "not a readable HDF5 file", { _ = try HDF5File.open(garbage) }),
            ("truncated file", truncated, "truncated", { _ = try HDF5File.open(truncated) }),
            ("missing dataset", sample, "no such dataset", { _ = try HDF5File.open(sample).read(Float.self, from: "nope") }),
            ("wrong dtype", sample, "holds float32, not int64", { _ = try HDF5File.open(sample).read(Int64.self, from: "grid") }),
            ("rows out of range", sample, "out of range", { _ = try HDF5File.open(sample).readBytes(from: "blobs", rows: 3..<5) }),
            ("missing attribute", sample, "no such attribute", { _ = try HDF5File.open(sample).attribute("nope") }),
            ("read-only write", sample, "read-only", { try HDF5File.open(sample).write([Float(1)], shape: [1], to: "x") }),
            ("existing path", sample, "already exists", { try HDF5File.open(sample, mode: .readWrite).write(strings: [], to: "names") }),
            ("short values", sample, "do not fill shape", { try HDF5File.open(sample, mode: .readWrite).write([Float(1)], shape: [2], to: "x") }),
        ]
        for (name, file, message, action) in cases {
            XCTAssertThrowsError(try action(), name) { error in
                guard let error = error as? HDF5Error else { return XCTFail("\(name): \(error) is not an HDF5Error") }
                XCTAssertEqual(error.file, file, name)
                XCTAssertTrue(error.message.contains(message), "\(name): \(error)")
            }
        }
    }

    func testSameContentGivesSameBytes() throws {
        func write(_ name: String) throws -> Data {
            let path = folder + "/" + name
            try AtomicFile.writeHDF5(to: path) { file in
                try file.write([Int32(1), 2, 3], shape: [3], to: "deep/inner/numbers")
                try file.write(strings: ["a", "b"], to: "names")
                try file.createGroup("other/group")
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let first = try write("first.h5")
        Thread.sleep(forTimeInterval: 1.1)  // timestamps, were any stored, would now differ
        XCTAssertEqual(first, try write("second.h5"))
    }

    func testAtomicWriteKeepsOldFileWhenWritingFails() throws {
        let path = try makeSampleFile()
        struct Interrupted: Error {}
        XCTAssertThrowsError(try AtomicFile.writeHDF5(to: path) { file in
            try file.write([Float(9)], shape: [1], to: "partial")
            throw Interrupted()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["sample.h5"])
        XCTAssertEqual(try HDF5File.open(path).attribute("count"), .int(4))
    }
}
