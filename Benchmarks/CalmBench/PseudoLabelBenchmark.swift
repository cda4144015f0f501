import CalmImage
import CalmSelfSupervision
import Foundation

/// Pseudo-label and text generation throughput on decoded photos, one thread: attribute
/// measurement alone, and one pretraining sample of each scale (measurement, edit, text).
/// Photos come from `CALM_BENCH_PHOTOS` (default: the bundled test photos).
func benchmarkPseudoLabels() throws {
    let folder = ProcessInfo.processInfo.environment["CALM_BENCH_PHOTOS"] ?? "Tests/CalmSelfSupervisionTests/Fixtures/photos"
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
    let photos = try names.map { try ImageDecoder.decode(contentsOf: "\(folder)/\($0)") }
    guard !photos.isEmpty else { print("pseudo-labels: no .jpg in \(folder)"); return }
    let generator = PretrainSampleGenerator()

    /// Median over rounds of images per second.
    func imagesPerSecond(_ work: (Int) -> Void) -> Double {
        let rates = (0..<5).map { round -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            for index in photos.indices { work(round * photos.count + index) }
            return Double(photos.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return rates.sorted()[rates.count / 2]
    }

    var checksum = 0
    let measure = imagesPerSecond { i in checksum &+= ImageAttributes(photos[i % photos.count]).levels.count }
    func report(_ label: String, _ rate: Double) {
        print("pseudo-labels: " + label.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%7.1f images/s", rate))
    }
    report("attributes", measure)
    for scale in Scale.allCases {
        let rate = imagesPerSecond { i in
            checksum &+= generator.sample(image: photos[i % photos.count], id: names[i % photos.count], epoch: i, scale: scale).answer.count
        }
        report("\(scale.rawValue) samples", rate)
    }
    let mixed = imagesPerSecond { i in
        checksum &+= generator.sample(image: photos[i % photos.count], id: names[i % photos.count], epoch: i).answer.count
    }
    report("mixed-scale samples", mixed)
    print(String(format: "pseudo-labels: %.1f ms per batch of 8 mixed samples, 1 thread (%d photos; checksum %d)",
                 8000 / mixed, photos.count, checksum))
}
