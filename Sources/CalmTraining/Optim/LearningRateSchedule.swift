import Foundation

/// The learning rate of every optimizer step: linear warm-up to the peak, then cosine or linear
/// decay to `minRatio`·peak at the last step, or constant.
public struct LearningRateSchedule: Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: Recipe.Schedule.Decay
    public var minRatio: Double

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, decay: Recipe.Schedule.Decay, minRatio: Double) {
        (self.peak, self.warmupSteps, self.totalSteps, self.decay, self.minRatio) = (peak, warmupSteps, totalSteps, decay, minRatio)
    }

    public init(recipe: Recipe) {
        self.init(peak: recipe.optimizer.learningRate, warmupSteps: recipe.schedule.warmupSteps,
                  totalSteps: recipe.train.maxSteps, decay: recipe.schedule.decay, minRatio: recipe.schedule.minLearningRateRatio)
    }

    /// The rate of step `step` (0-based). Warm-up step s uses peak·(s+1)/warmup, so the first
    /// step already moves; decay runs from the peak at step `warmup` to the floor at step `total - 1`.
    public func rate(atStep step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let floor = peak * minRatio
        let span = totalSteps - 1 - warmupSteps
        let progress = span > 0 ? min(1, Double(step - warmupSteps) / Double(span)) : 1
        switch decay {
        case .constant: return peak
        case .linear: return peak - (peak - floor) * progress
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }
}
