import CalmImage
import XCTest
@testable import CalmSelfSupervision

/// Level targeting by choice of window on the bundled corpus photos: some window reaches the drawn
/// composition level for most (photo, level) pairs, the window chosen is an unedited one in that
/// level (or the nearest), and targeted samples name depth of field's levels about evenly.
final class WindowTargetingTests: XCTestCase {
    /// Working resolution: calm-tiny's input side, as its pretraining measures.
    static let longSide = 128
    /// Every second bundled photo, its long side cut to 256 px as `calm ingest --fixed-size 256`
    /// stores the corpus for pretraining (and windows are cheaper to cut from).
    static let photos: [(name: String, image: RGBImage)] = try! Fixture.corpusPhotos().enumerated().filter { $0.offset % 2 == 0 }.map {
        ($0.element.name, WorkingImage($0.element.image, longSide: 256).image)
    }

    /// The windows `WindowTargeting.window` tries for `seed`, in order (the photo's centred square
    /// first), each with its levels.
    static func candidates(_ photo: RGBImage, seed: UInt64) -> [(image: RGBImage, levels: [Attribute: String])] {
        var rng = SeededRandom(seed: seed)
        let windows = [PretrainSampleGenerator(longSide: longSide).workingSquare(photo)]
            + (0..<WindowTargeting.maxWindows).map { _ in PretrainSampleGenerator.window(of: photo, longSide: longSide, using: &rng) }
        return windows.map { ($0, ImageAttributes(WorkingImage($0, longSide: longSide)).levels) }
    }

    /// For each attribute, the share of (photo, level) pairs that one of the windows tried reaches.
    func testWindowsReachTheDrawnLevel() {
        // (attribute, least share reached): the measured share (placement 0.94, symmetry 0.64, depth
        // of field 0.75, horizontal balance 0.78, vertical balance 0.83, clutter 0.53: edge density
        // changes little from window to window) less a margin.
        let least: [Attribute: Double] = [.placement: 0.8, .symmetry: 0.55, .depthOfField: 0.6, .horizontalBalance: 0.7,
                                          .verticalBalance: 0.7, .clutter: 0.4]
        XCTAssertEqual(Set(least.keys), Set(WindowTargeting.attributes))
        let tried = Self.photos.prefix(12).enumerated().map { Self.candidates($0.element.image, seed: UInt64($0.offset)) }
        for attribute in WindowTargeting.attributes {
            let reached = tried.reduce(0) { sum, windows in sum + Set(windows.map { $0.levels[attribute]! }).count }
            let share = Double(reached) / Double(tried.count * attribute.levels.count)
            print("\(attribute): \(reached) of \(tried.count * attribute.levels.count) levels reached (\(share))")
            XCTAssertGreaterThanOrEqual(share, least[attribute]!, "\(attribute)")
        }
    }

    /// The window chosen is, exactly, the first window tried that is in the level, or else the first
    /// of those nearest to it: an unedited window of the photo either way.
    func testChosenWindowIsTheFirstInTheLevelOrTheNearest() {
        for (index, (name, photo)) in Self.photos.prefix(1).enumerated() {
            let tried = Self.candidates(photo, seed: UInt64(index))
            for attribute in WindowTargeting.attributes {
                let targeting = WindowTargeting(attribute, photo: photo, longSide: Self.longSide)!
                let levels = tried.map { attribute.levels.firstIndex(of: $0.levels[attribute]!)! }
                for level in attribute.levels.indices {
                    let nearest = levels.map { abs($0 - level) }.min()!
                    let expected = tried[levels.firstIndex { abs($0 - level) == nearest }!].image
                    XCTAssertEqual(targeting.window(level: level, first: tried[0].image, seed: UInt64(index)), expected,
                                   "\(name): \(attribute) level \(level)")
                }
            }
        }
    }

    /// Depth of field, the most skewed of these attributes in random windows ("shallow" in about
    /// half of them), is named about evenly by targeted samples: the check fails without targeting.
    /// (Placement and balance are near even in random windows already; symmetry and clutter change
    /// less from window to window, so targeting spreads them less: see the reach test.)
    func testTargetedDepthOfFieldIsNearUniform() {
        func largestGap(targetShare: Double) -> Double {
            let generator = PretrainSampleGenerator(longSide: Self.longSide, attributes: [.depthOfField], focusedShare: 1,
                                                    targetShare: targetShare, recomposeShare: 1)
            let labels = Self.photos.map { generator.sample(image: $0.image, id: $0.name, epoch: 0).targets[.depthOfField]! }
            return Attribute.depthOfField.levels.map { level in abs(Double(labels.filter { $0 == level }.count) / Double(labels.count) - 1.0 / 3) }.max()!
        }
        let (targeted, natural) = (largestGap(targetShare: 1), largestGap(targetShare: 0))
        print("depth of field: largest gap to uniform \(targeted) targeted, \(natural) untargeted")
        XCTAssertLessThanOrEqual(targeted, 0.15)
        XCTAssertGreaterThan(natural, 0.2)
    }
}
