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
    /// r ≥ 2 groups, each with its period in steps (how often it gets a fresh gradient):
    /// periods decrease, each divides the one before, and the fastest is 1 (§1.6). Parameters
    /// in no group are not trained.
    case scales([(selection: ParameterSelection, period: Int)])

    public static func == (lhs: Partition, rhs: Partition) -> Bool {
      switch (lhs, rhs) {
      case (.fast(let a), .fast(let b)), (.slow(let a), .slow(let b)): return a == b
      case (.scales(let a), .scales(let b)):
        return a.count == b.count && zip(a, b).allSatisfy { $0.selection == $1.selection && $0.period == $1.period }
      default: return false
      }
    }
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
    case .scales(let scales): return try makeScales(scales, for: model, plan: plan)
    }
    return try Multirate(
      fast: [OptimizedParameter](fastSelection, in: model), slow: [OptimizedParameter](slowSelection, in: model), k: k,
      learningRate: learningRate, rule: rule, weightDecay: weightDecay, slowStepSize: slowLearningRate, drift: drift,
      fastGradientPoint: fastGradientPoint, semantics: semantics,
      schedule: schedule.resolved(for: plan, base: learningRate), model: model)
  }

  /// The r-scale optimizer: groups slowest first, ratios between neighbouring periods.
  private func makeScales(
    _ scales: [(selection: ParameterSelection, period: Int)], for model: Module, plan: RunPlan
  ) throws -> Optimizer {
    let ordered = scales.sorted { $0.period > $1.period }
    guard ordered.count >= 2, ordered.last?.period == 1 else {
      throw ModuleError(
        "'scales' needs two groups or more, the fastest with period 1; got periods \(scales.map(\.period))",
        help: "write the fastest group with 1, as in [(net.trunk, 5), (net.head, 1)]")
    }
    var ratios: [Int] = []
    for (slower, faster) in zip(ordered, ordered.dropFirst()) {
      guard slower.period > faster.period, slower.period % faster.period == 0 else {
        throw ModuleError(
          "the period \(slower.period) of \(slower.selection) is not a whole multiple ≥ 2 of the period \(faster.period) of \(faster.selection)",
          help: "use periods where each divides the one before, such as 4, 2, 1")
      }
      ratios.append(slower.period / faster.period)
    }
    let groups = try ordered.map { scale in
      MultirateGroup(
        "\(scale.selection) (every \(scale.period))", try [OptimizedParameter](scale.selection, in: model), rule: rule,
        weightDecay: weightDecay)
    }
    return try Multirate(
      groups: groups, ratios: ratios, learningRate: learningRate, drift: drift, fastGradientPoint: fastGradientPoint,
      semantics: semantics, schedule: schedule.resolved(for: plan, base: learningRate), model: model)
  }

  public var description: String {
    var parts = [baseDescription]
    switch partition {
    case .fast(let selection): parts += ["k: \(k)", "fast: \(selection)"]
    case .slow(let selection): parts += ["k: \(k)", "slow: \(selection)"]
    case .scales(let scales):
      parts.append("scales: [" + scales.map { "(\($0.selection), \($0.period))" }.joined(separator: ", ") + "]")
    }
    if let slowLearningRate { parts.append("slowLearningRate: \(slowLearningRate)") }
    if !drift { parts.append("drift: false") }
    if !drift && fastGradientPoint == .beforeSlowJump { parts.append("fastGradientPoint: .beforeSlowJump") }
    if semantics == .referenceCode { parts.append("semantics: .referenceCode") }
    return "Multirate(\(parts.joined(separator: ", ")))"
  }
}
