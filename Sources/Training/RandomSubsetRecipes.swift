import NN
import Optimizers

/// Random element subsets of a model's weights, redrawn as the optimizer goes (every cycle for
/// the random-subgroup multirate, every step for the masking ablation): the probability of an
/// element being chosen, per weight tensor in the model's order (the last one repeats), and
/// for a bias its layer's probability when biases are included, else 0.
public struct RandomSubsets: Sendable, Equatable, CustomStringConvertible {
  public var probabilities: [Float]
  public var includeBiases: Bool
  public var seed: UInt64

  public init(probabilities: [Float], includeBiases: Bool = false, seed: UInt64 = 0) {
    self.probabilities = probabilities
    self.includeBiases = includeBiases
    self.seed = seed
  }

  /// One probability per parameter of `model`, in `namedParameters()` order.
  public func perParameter(in model: Module) -> [Float] {
    func layer(_ path: String) -> String { path.split(separator: ".").dropLast().joined(separator: ".") }
    var byLayer: [String: Float] = [:]
    var weights = 0
    let named = model.namedParameters()
    for (path, variable) in named where variable.value.rank >= 2 {
      byLayer[layer(path)] = probabilities.isEmpty ? 0 : probabilities[min(weights, probabilities.count - 1)]
      weights += 1
    }
    return named.map { path, variable in
      if variable.value.rank >= 2 { return byLayer[layer(path)] ?? 0 }
      return includeBiases ? byLayer[layer(path)] ?? 0 : 0
    }
  }

  public var description: String {
    var text = "randomSubsets(probabilities: \(probabilities)"
    if includeBiases { text += ", includeBiases: true" }
    return text + ", seed: \(seed))"
  }
}

/// The random-subgroup regulariser (Vlaar & Leimkuhler 2022, §5.1): random slow subsets,
/// switched off for the fast steps of each cycle and stepped k× at the joint step.
public struct RandomSubgroupRecipe: OptimizerRecipe {
  public var learningRate: Float
  public var momentum: Float
  public var schedule: ScheduleRecipe
  public var subsets: RandomSubsets
  public var k: Int
  public var slowLearningRate: Float?
  public var interpretation: RandomSubgroupMultirate.Interpretation
  public var baseDescription: String

  public init(
    learningRate: Float, momentum: Float, schedule: ScheduleRecipe, subsets: RandomSubsets, k: Int,
    slowLearningRate: Float?, interpretation: RandomSubgroupMultirate.Interpretation, baseDescription: String
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.schedule = schedule
    self.subsets = subsets
    self.k = k
    self.slowLearningRate = slowLearningRate
    self.interpretation = interpretation
    self.baseDescription = baseDescription
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    try RandomSubgroupMultirate(
      [OptimizedParameter](model), slowProbabilities: subsets.perParameter(in: model), k: k,
      learningRate: learningRate, slowStepSize: slowLearningRate, momentum: momentum, interpretation: interpretation,
      masks: .random(seed: subsets.seed), schedule: schedule.resolved(for: plan, base: learningRate))
  }

  public var description: String {
    var parts = [baseDescription, "k: \(k)", "slow: \(subsets)"]
    if let slowLearningRate { parts.append("slowLearningRate: \(slowLearningRate)") }
    if interpretation == .jointAsKthStep { parts.append("interpretation: .jointAsKthStep") }
    return "Multirate(\(parts.joined(separator: ", ")))"
  }
}

/// The paper's "no multirate" ablation (Fig. 8): a new random mask every step, masked weights
/// switched off for that step and left as they are, the rest stepped by SGD.
public struct RandomMaskingRecipe: OptimizerRecipe {
  public var learningRate: Float
  public var momentum: Float
  public var schedule: ScheduleRecipe
  public var subsets: RandomSubsets
  public var baseDescription: String

  public init(
    learningRate: Float, momentum: Float, schedule: ScheduleRecipe, subsets: RandomSubsets, baseDescription: String
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.schedule = schedule
    self.subsets = subsets
    self.baseDescription = baseDescription
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    try RandomMaskingSGD(
      [OptimizedParameter](model), maskProbabilities: subsets.perParameter(in: model), learningRate: learningRate,
      momentum: momentum, masks: .random(seed: subsets.seed), schedule: schedule.resolved(for: plan, base: learningRate)
    )
  }

  public var description: String { "RandomMasking(\(baseDescription), masks: \(subsets))" }
}
