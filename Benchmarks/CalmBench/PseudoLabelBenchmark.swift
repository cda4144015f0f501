import CalmImage
import CalmModels
import CalmSelfSupervision
import Foundation

/// Pseudo-label and text generation throughput on decoded photos, one thread: attribute
/// measurement alone, one pretraining sample of each scale (measurement, edit, text),
/// middle-scale samples of random windows (`recomposeShare`), samples of random scales as a
/// trainer draws them (plain, and with the recipes' default single-attribute questions and
/// edit-then-measure augmentation), single-attribute samples about the targeted recipe's
/// attributes without and with level targeting (which edits the photo into a drawn level by
/// bisection), and single-attribute composition samples without and with window targeting (which
/// picks a window of the photo in a drawn level). Everything is measured at calm-tiny's input
/// side, as its pretraining measures it. Photos come from `CALM_BENCH_PHOTOS` (default: the
/// bundled test photos). Returns (case, images/s), each the median of 5 rounds.
func pseudoLabelRates() throws -> [(name: String, imagesPerSecond: Double)] {
    let folder = ProcessInfo.processInfo.environment["CALM_BENCH_PHOTOS"] ?? "Tests/CalmSelfSupervisionTests/Fixtures/photos"
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
    let photos = try names.map { try ImageDecoder.decode(contentsOf: "\(folder)/\($0)") }
    guard !photos.isEmpty else { throw NoPhotos(folder: folder) }
    let side = CalmConfig.tiny.vision.imageSize
    let generator = PretrainSampleGenerator(longSide: side)
    var checksum = 0  // keeps the optimizer from dropping the work

    func imagesPerSecond(_ work: (Int) -> Int) -> Double {
        let rates = (0..<5).map { round -> Double in
            let start = DispatchTime.now().uptimeNanoseconds
            for index in photos.indices { checksum &+= work(round * photos.count + index) }
            return Double(photos.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return rates.sorted()[rates.count / 2]
    }
    // The recipes' defaults: half the questions about one attribute, half the photos edited before measuring.
    let recipeDefaults = PretrainSampleGenerator(longSide: side, focusedShare: 0.5, augmentShare: 0.5)
    // Recipes/pretrain-tiny-corpus-targeted.yaml without and with its level targeting.
    let focused = PretrainSampleGenerator(longSide: side, attributes: [.exposure, .saturation, .sharpness, .noise, .temperature, .tilt],
                                          focusedShare: 1, augmentShare: 0.5)
    let targeted = PretrainSampleGenerator(longSide: side, attributes: focused.attributes, focusedShare: 1, augmentShare: 0.5, targetShare: 1)
    // The composition attributes targeted by window, as the corpus recipes ask them (windows recomposed).
    let composition = PretrainSampleGenerator(longSide: side, attributes: WindowTargeting.attributes, focusedShare: 1, augmentShare: 0.5,
                                              recomposeShare: 0.8)
    let windowTargeted = PretrainSampleGenerator(longSide: side, attributes: composition.attributes, focusedShare: 1, augmentShare: 0.5,
                                                 targetShare: 1, recomposeShare: 0.8)
    func sample(_ i: Int, _ scale: Scale?, _ generator: PretrainSampleGenerator = generator) -> Int {
        generator.sample(image: photos[i % photos.count], id: names[i % photos.count], epoch: i, scale: scale).answer.count
    }

    var rates = [("pseudo-labels: attributes", imagesPerSecond { ImageAttributes(photos[$0 % photos.count], longSide: side).levels.count })]
    for scale in Scale.allCases {
        rates.append(("pseudo-labels: \(scale.rawValue)-scale samples", imagesPerSecond { sample($0, scale) }))
    }
    let recomposing = PretrainSampleGenerator(longSide: side, recomposeShare: 1)
    rates.append(("pseudo-labels: middle-scale samples, recomposed", imagesPerSecond { sample($0, .middle, recomposing) }))
    rates.append(("pseudo-labels: random-scale samples", imagesPerSecond { sample($0, nil) }))
    rates.append(("pseudo-labels: random-scale samples, recipe defaults", imagesPerSecond { sample($0, nil, recipeDefaults) }))
    rates.append(("pseudo-labels: focused samples, untargeted", imagesPerSecond { sample($0, nil, focused) }))
    rates.append(("pseudo-labels: focused samples, level-targeted", imagesPerSecond { sample($0, nil, targeted) }))
    rates.append(("pseudo-labels: composition samples, untargeted", imagesPerSecond { sample($0, .middle, composition) }))
    rates.append(("pseudo-labels: composition samples, window-targeted", imagesPerSecond { sample($0, .middle, windowTargeted) }))
    print("pseudo-labels: \(photos.count) photos from \(folder) at \(side) px, 1 thread (checksum \(checksum))")
    return rates
}

private struct NoPhotos: Error, CustomStringConvertible {
    let folder: String
    var description: String { "pseudo-labels: no .jpg photos in '\(folder)' (set CALM_BENCH_PHOTOS)" }
}

let pseudoLabelBenchmark = Benchmark(name: "pseudo") {
    guard let rates = try? pseudoLabelRates() else { return [] }
    return rates.map { BenchResult(name: $0.name, threads: 1, size: "bundled photos", unit: "images/s", value: $0.imagesPerSecond) }
}
