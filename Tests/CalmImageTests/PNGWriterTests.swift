import Foundation
import XCTest
@testable import CalmImage

final class PNGWriterTests: XCTestCase {
    func testRoundTrip() throws {
        for (width, height) in [(1, 1), (7, 5), (64, 3), (3, 64)] {
            let image = gradientImage(width: width, height: height)
            XCTAssertEqual(try ImageDecoder.decode(try PNGWriter.encode(image), name: "round trip"), image)
        }
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("calm-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testWriteReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let folder = try temporaryDirectory()
        let path = folder.appendingPathComponent("out.png").path
        try PNGWriter.write(gradientImage(width: 4, height: 4), to: path)
        let second = gradientImage(width: 9, height: 2)
        try PNGWriter.write(second, to: path)
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: path), second)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.png"])
    }

    func testWriteIntoAMissingFolderThrowsNamingThePath() {
        let path = "/nonexistent-calm-folder/out.png"
        XCTAssertThrowsError(try PNGWriter.write(gradientImage(width: 2, height: 2), to: path)) { error in
            XCTAssertTrue(error is ImageWriteError)
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
    }

    /// PIL, a decoder we did not write, reads our file back sample for sample.
    func testPILReadsOurPNG() throws {
        let folder = try temporaryDirectory()
        let path = folder.appendingPathComponent("pil.png").path
        let image = gradientImage(width: 13, height: 6)
        try PNGWriter.write(image, to: path)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import sys; from PIL import Image; im = Image.open(sys.argv[1]); "
            + "print(im.mode, *im.size); print(','.join(map(str, im.tobytes())))", path]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = FileHandle.nullDevice
        try python.run()
        python.waitUntilExit()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        guard python.terminationStatus == 0, lines.count == 2 else {
            throw XCTSkip("python3 with pillow is not available")
        }
        XCTAssertEqual(lines[0], "RGB 13 6")
        XCTAssertEqual(lines[1].split(separator: ",").map { UInt8($0)! }, image.pixels)
    }
}
