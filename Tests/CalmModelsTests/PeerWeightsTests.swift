import CalmNN
import CalmTensor
import Foundation
import XCTest
@testable import CalmModels

/// Our HDF5 weights file, read by h5py into the PyTorch peer (Scripts/peer/check_weights.py).
final class PeerWeightsTests: XCTestCase {
    func testPeerLoadsOurWeightsFileStrictly() throws {
        let fixture = try MicroFixture(), model = CalmModel(fixture.config, seed: 21)
        let path = NSTemporaryDirectory() + "calm-peer-weights-\(getpid()).h5"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.saveWeights(to: path)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Scripts/peer/check_weights.py")
        let config = Bundle.module.url(forResource: "calm_micro", withExtension: "json", subdirectory: "Fixtures")!
        guard try python(["-c", "import torch, h5py"]).status == 0 else {
            throw XCTSkip("python3 with torch and h5py is not available")
        }
        let (status, data, errors) = try python([script.standardized.path, config.path, path])
        XCTAssertEqual(status, 0, errors)
        let table = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: [Any]])
        let ours = model.parameters()
        XCTAssertEqual(Set(table.keys), Set(ours.map(\.name)))
        for (name, variable) in ours {
            XCTAssertEqual(table[name]?[0] as? [Int], variable.shape, name)
            let sum = variable.value.toDoubles().reduce(0, +)
            XCTAssertEqual(table[name]?[1] as? Double ?? .nan, sum, accuracy: 1e-5 + 1e-6 * abs(sum), name)
        }
    }

    /// Runs python3 with `arguments`: exit status, stdout, stderr.
    private func python(_ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
        let process = Process(), output = Pipe(), errors = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        (process.standardOutput, process.standardError) = (output, errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile(), message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data, String(decoding: message, as: UTF8.self))
    }
}
