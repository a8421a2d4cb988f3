import Datasets
import NN
import Optimizers

/// An optimizer as a value: its settings, made into a fresh optimizer over a model's parameters
/// when a run starts, so runs never share momentum or moments.
public protocol OptimizerRecipe: Sendable {
  /// `SGD(learningRate: 0.1, momentum: 0.9)`: how the settings read in a summary.
  var description: String { get }
  /// The base learning rate, before the schedule.
  var learningRate: Float { get }
  /// How the rate changes over the run, in epochs or as a shape over the whole run.
  var schedule: ScheduleRecipe { get }
  /// A fresh optimizer over `model`'s parameters, holding its base rate and its schedule
  /// resolved to steps for `plan`: the one place a recipe's schedule becomes steps.
  func make(for model: Module, plan: RunPlan) throws -> Optimizer
  /// The model a run trains, from the model it was given (already a copy of the user's):
  /// the same model for most recipes; Alrao's replaces its head with the classifier copies.
  func prepare(_ model: Module, for task: DataTask, seed: UInt64) throws -> Module
  /// What the steps minimise instead of the standard loss, for the optimizer `make` built over
  /// `model`; nil (most recipes): the standard loss.
  func objective(for model: Module, optimizer: Optimizer) throws -> (any TrainingObjective)?
  /// The model a run leaves to the user, from the model it trained: the same for most recipes;
  /// composite averaging's is the merged network, not the two copies.
  func trainedModel(from model: Module) throws -> Module
}

extension OptimizerRecipe {
  public func prepare(_ model: Module, for task: DataTask, seed: UInt64) throws -> Module { model }
  public func objective(for model: Module, optimizer: Optimizer) throws -> (any TrainingObjective)? { nil }
  public func trainedModel(from model: Module) throws -> Module { model }

  /// Everything a run needs from the recipe, in order: the model prepared, its optimizer and
  /// the objective — what `fit`, `Trainer` and the benchmarks call.
  public func start(_ model: Module, task: DataTask, plan: RunPlan) throws -> (
    model: Module, optimizer: Optimizer, objective: (any TrainingObjective)?
  ) {
    let prepared = try prepare(model, for: task, seed: plan.seed)
    let optimizer = try make(for: prepared, plan: plan)
    return (prepared, optimizer, try objective(for: prepared, optimizer: optimizer))
  }
}

/// The length of a run, in what schedules are resolved against.
public struct RunPlan: Sendable, Equatable {
  public var epochs: Int
  public var stepsPerEpoch: Int
  /// The run's seed, for what a recipe draws at random (Alrao's rates and copies).
  public var seed: UInt64

  public init(epochs: Int, stepsPerEpoch: Int, seed: UInt64 = 0) {
    self.epochs = epochs
    self.stepsPerEpoch = stepsPerEpoch
    self.seed = seed
  }

  /// The plan of a `fit` with `configuration` over `samples` training samples.
  public init(_ configuration: FitConfiguration, samples: Int) {
    self.init(
      epochs: configuration.epochs, stepsPerEpoch: configuration.stepsPerEpoch(samples: samples),
      seed: configuration.seed)
  }
}

/// A learning-rate schedule stated in epochs or as a shape over the whole run, resolved to steps
/// when the run's length is known.
public indirect enum ScheduleRecipe: Sendable, Equatable {
  case constant
  /// Cosine annealing to `minimum` (a fraction of the base rate) over the whole run.
  case cosine(minimum: Float)
  /// Linear decay to `final` (a fraction of the base rate) over the whole run.
  case linear(final: Float)
  /// Multiplied by `factor` every `epochs` epochs.
  case step(epochs: Int, factor: Float)
  /// A linear ramp over the first `epochs` epochs, then `then` over the rest.
  case warmUp(epochs: Int, then: ScheduleRecipe)

  /// The schedule in steps for a run of `plan`'s length.
  public func resolved(for plan: RunPlan, base: Float) -> LearningRateSchedule {
    resolved(epochs: plan.epochs, stepsPerEpoch: plan.stepsPerEpoch, base: base)
  }

  /// The schedule in steps for a run of `epochs` epochs of `stepsPerEpoch` steps.
  public func resolved(epochs: Int, stepsPerEpoch: Int, base: Float) -> LearningRateSchedule {
    let total = max(epochs.saturatingMultiplied(by: stepsPerEpoch), 1)
    switch self {
    case .constant: return .constant
    case .cosine(let minimum): return .cosine(steps: total, minimum: minimum * base)
    case .linear(let final): return .linear(steps: total, final: final * base)
    case .step(let every, let factor):
      return .step(every: max(every.saturatingMultiplied(by: stepsPerEpoch), 1), factor: factor)
    case .warmUp(let warm, let then):
      let rest = then.resolved(epochs: max(epochs - warm, 1), stepsPerEpoch: stepsPerEpoch, base: base)
      return .warmUp(steps: max(warm.saturatingMultiplied(by: stepsPerEpoch), 1), then: rest)
    }
  }

  public var description: String {
    switch self {
    case .constant: return "constant"
    case .cosine(let minimum): return minimum == 0 ? "cosine" : "cosine to ×\(minimum)"
    case .linear(let final): return final == 0 ? "linear decay" : "linear to ×\(final)"
    case .step(let epochs, let factor): return "×\(factor) every \(epochs) epochs"
    case .warmUp(let epochs, let then): return "warm-up \(epochs) epochs, then \(then.description)"
    }
  }
}

/// Stochastic gradient descent with PyTorch's momentum, Nesterov and weight decay.
public struct SGDRecipe: OptimizerRecipe {
  public var learningRate: Float
  public var momentum: Float = 0
  public var nesterov = false
  public var weightDecay: Float = 0
  public var schedule: ScheduleRecipe = .constant
  /// The parameters it trains (nil: all); the rest stay as they are and are not differentiated.
  public var selection: ParameterSelection?

  public init(
    learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
    schedule: ScheduleRecipe = .constant, selection: ParameterSelection? = nil
  ) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    self.schedule = schedule
    self.selection = selection
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    try SGD(
      try [OptimizedParameter](selection ?? .all, in: model), learningRate: learningRate, momentum: momentum,
      nesterov: nesterov, weightDecay: weightDecay, schedule: schedule.resolved(for: plan, base: learningRate))
  }

  public var description: String {
    var parts = ["learningRate: \(learningRate)"]
    if momentum != 0 { parts.append("momentum: \(momentum)") }
    if nesterov { parts.append("nesterov: true") }
    if weightDecay != 0 { parts.append("weightDecay: \(weightDecay)") }
    if schedule != .constant { parts.append("schedule: \(schedule.description)") }
    if let selection { parts.append("parameters: \(selection)") }
    return "SGD(\(parts.joined(separator: ", ")))"
  }
}

/// Adam, or AdamW when the weight decay is decoupled.
public struct AdamRecipe: OptimizerRecipe {
  public var learningRate: Float
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var epsilon: Float = 1e-8
  public var weightDecay: Float = 0
  public var decoupled = false
  public var schedule: ScheduleRecipe = .constant
  /// The parameters it trains (nil: all); the rest stay as they are and are not differentiated.
  public var selection: ParameterSelection?

  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0, decoupled: Bool = false, schedule: ScheduleRecipe = .constant,
    selection: ParameterSelection? = nil
  ) {
    self.selection = selection
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupled = decoupled
    self.schedule = schedule
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    try Adam(
      try [OptimizedParameter](selection ?? .all, in: model), learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon,
      weightDecay: weightDecay, decoupledWeightDecay: decoupled,
      schedule: schedule.resolved(for: plan, base: learningRate))
  }

  public var description: String {
    var parts = ["learningRate: \(learningRate)"]
    if beta1 != 0.9 || beta2 != 0.999 { parts.append("betas: (\(beta1), \(beta2))") }
    if weightDecay != 0 { parts.append("weightDecay: \(weightDecay)") }
    if schedule != .constant { parts.append("schedule: \(schedule.description)") }
    if let selection { parts.append("parameters: \(selection)") }
    return "\(decoupled ? "AdamW" : "Adam")(\(parts.joined(separator: ", ")))"
  }
}
