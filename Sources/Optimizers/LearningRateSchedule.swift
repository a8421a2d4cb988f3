import Glibc

/// A learning rate as a function of the step (counted from 0), relative to a base rate.
public indirect enum LearningRateSchedule: Sendable, Equatable {
  /// The base rate throughout.
  case constant
  /// Multiplied by `factor` every `every` steps (PyTorch's StepLR).
  case step(every: Int, factor: Float)
  /// Cosine annealing from the base rate to `minimum` over `steps` steps, then `minimum`.
  case cosine(steps: Int, minimum: Float = 0)
  /// Linear decay from the base rate to `final` over `steps` steps, then `final`.
  case linear(steps: Int, final: Float = 0)
  /// A linear ramp from 0 to the base rate over `steps` steps, then `then` (counted from the
  /// end of the warm-up).
  case warmUp(steps: Int, then: LearningRateSchedule)

  /// The rate for `step` given the base rate.
  public func rate(at step: Int, base: Float) -> Float {
    switch self {
    case .constant:
      return base
    case .step(let every, let factor):
      return base * powf(factor, Float(step / Swift.max(every, 1)))
    case .cosine(let steps, let minimum):
      guard step < steps else { return minimum }
      let progress = Float(step) / Float(Swift.max(steps, 1))
      return minimum + (base - minimum) * (1 + cosf(.pi * progress)) / 2
    case .linear(let steps, let final):
      guard step < steps else { return final }
      return base + (final - base) * Float(step) / Float(Swift.max(steps, 1))
    case .warmUp(let steps, let then):
      if step < steps { return base * Float(step + 1) / Float(steps) }
      return then.rate(at: step - steps, base: base)
    }
  }
}
