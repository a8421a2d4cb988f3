import NN
import Optimizers

/// Multirate training as a value (Vlaar & Leimkuhler 2022): a base rule (SGD with momentum, or
/// Adam) whose per-step rate is the fast group's, a fast and a slow group chosen by selections
/// that are resolved against the model when a run builds it, and `k` steps per cycle.
///
/// Exactly one of `fast` and `slow` is given; the other group is everything else.
public struct MultirateRecipe: OptimizerRecipe {
  public enum Partition: Sendable, Equatable {
    /// These parameters are fast, the rest slow (fine-tuning: the head fast).
    case fast(ParameterSelection)
    /// These parameters are slow, the rest fast (slow biases).
    case slow(ParameterSelection)
  }

  /// The per-step rate h/k (the fast group's learning rate, and the paper's captions' number).
  public var learningRate: Float
  public var rule: MultirateRule
  public var weightDecay: Float
  public var schedule: ScheduleRecipe
  public var partition: Partition
  public var k: Int
  /// The slow group's displacement per cycle h_S; nil couples it: k × learningRate.
  public var slowLearningRate: Float?
  public var drift: Bool
  public var fastGradientPoint: Multirate.FastGradientPoint
  public var semantics: Multirate.Semantics
  /// How the base optimizer reads (`SGD(learningRate: 0.001, momentum: 0.9)`).
  public var baseDescription: String

  public init(
    learningRate: Float, rule: MultirateRule, weightDecay: Float = 0, schedule: ScheduleRecipe = .constant,
    partition: Partition, k: Int, slowLearningRate: Float? = nil, drift: Bool = true,
    fastGradientPoint: Multirate.FastGradientPoint = .afterSlowJump, semantics: Multirate.Semantics = .paper,
    baseDescription: String
  ) {
    self.learningRate = learningRate
    self.rule = rule
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.partition = partition
    self.k = k
    self.slowLearningRate = slowLearningRate
    self.drift = drift
    self.fastGradientPoint = fastGradientPoint
    self.semantics = semantics
    self.baseDescription = baseDescription
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    let (fastSelection, slowSelection): (ParameterSelection, ParameterSelection)
    switch partition {
    case .fast(let selection): (fastSelection, slowSelection) = (selection, .complement(selection))
    case .slow(let selection): (fastSelection, slowSelection) = (.complement(selection), selection)
    }
    return try Multirate(
      fast: [OptimizedParameter](fastSelection, in: model), slow: [OptimizedParameter](slowSelection, in: model), k: k,
      learningRate: learningRate, rule: rule, weightDecay: weightDecay, slowStepSize: slowLearningRate, drift: drift,
      fastGradientPoint: fastGradientPoint, semantics: semantics,
      schedule: schedule.resolved(for: plan, base: learningRate), model: model)
  }

  public var description: String {
    var parts = [baseDescription, "k: \(k)"]
    switch partition {
    case .fast(let selection): parts.append("fast: \(selection)")
    case .slow(let selection): parts.append("slow: \(selection)")
    }
    if let slowLearningRate { parts.append("slowLearningRate: \(slowLearningRate)") }
    if !drift { parts.append("drift: false") }
    if !drift && fastGradientPoint == .beforeSlowJump { parts.append("fastGradientPoint: .beforeSlowJump") }
    if semantics == .referenceCode { parts.append("semantics: .referenceCode") }
    return "Multirate(\(parts.joined(separator: ", ")))"
  }
}
