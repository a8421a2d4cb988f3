/// Decides when a run has diverged: its loss is NaN or infinite, or — with a factor — it has
/// exploded above `factor` times the mean loss of the run's first steps.
///
/// Only a NaN used to count, so `SGD(learningRate: 10000)` "completed" with a loss of 1e21. The
/// reference is the mean of the first `referenceSteps` step losses (of the steps so far while
/// there are fewer), so a rate that explodes at the second step is caught at the second step.
/// The factor is relative because losses have no common scale (cross-entropy starts near
/// ln(classes), a regression loss anywhere); the reference is at least 1, so a run that starts
/// near zero loss (a model fine-tuned on what it already knows) is not ended by one noisy batch.
public struct DivergenceCheck: Sendable {
  public enum Verdict: Equatable, Sendable {
    case healthy
    /// NaN or ±infinity.
    case nonFinite
    /// Finite but above `threshold`, `factor` times the first steps' mean.
    case exploded(threshold: Float)
  }

  /// How many first steps make the reference level.
  public static let referenceSteps = 10

  public let factor: Float?
  private var referenceSum = 0.0
  private var referenceCount = 0

  /// - Parameter factor: the multiple of the first steps' mean loss that counts as divergence;
  ///   nil (or a value ≤ 1, which normal noise would trip) checks only for NaN and infinity.
  public init(factor: Float?) {
    self.factor = factor.flatMap { $0 > 1 && $0.isFinite ? $0 : nil }
  }

  /// Judges one step's loss, and adds it to the reference while the first steps are counted.
  public mutating func judge(_ loss: Float) -> Verdict {
    guard loss.isFinite else { return .nonFinite }
    if let factor, referenceCount > 0 {
      let reference = Swift.max(referenceSum / Double(referenceCount), 1)
      let threshold = Float(reference * Double(factor))
      if loss > threshold { return .exploded(threshold: threshold) }
    }
    if referenceCount < Self.referenceSteps {
      referenceSum += Double(loss)
      referenceCount += 1
    }
    return .healthy
  }
}
