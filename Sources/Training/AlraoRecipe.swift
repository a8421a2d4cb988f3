import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore

/// Alrao as a value (Blier, Wolinski & Ollivier 2019): when a run starts, the model's head is
/// replaced by `classifiers` copies with rates log-evenly spread over [minimum, maximum]
/// (regression data gets the Gaussian head), the trunk's features draw their rates
/// log-uniformly from the same interval, and the steps minimise Alrao's objective.
public struct AlraoRecipe: OptimizerRecipe {
  public var minimumLearningRate: Float
  public var maximumLearningRate: Float
  public var classifiers: Int
  public var base: Alrao.Base
  /// The switch's prior probability of more switches (0: Bayesian model averaging).
  public var theta: Double
  public var batchLikelihood: AlraoHead.BatchLikelihood
  /// The regression head's point prediction (classification ignores it).
  public var prediction: AlraoHead.RegressionPrediction
  public var lstmFeatures: AlraoFeatureRates.LSTMFeatures
  public var perWeight: Bool
  public var trainableFraction: Float
  /// Hard catch-up every this many steps; nil: never.
  public var catchUpPeriod: Int?
  /// Seeds the rates and the extra copies; nil: the run's seed.
  public var seed: UInt64?
  public var schedule: ScheduleRecipe

  public init(
    minimumLearningRate: Float, maximumLearningRate: Float, classifiers: Int = 10,
    base: Alrao.Base = .sgd(momentum: 0, rule: .standard, weightDecay: 0), theta: Double = 0.9999,
    batchLikelihood: AlraoHead.BatchLikelihood = .mean, prediction: AlraoHead.RegressionPrediction = .bestCopy,
    lstmFeatures: AlraoFeatureRates.LSTMFeatures = .perUnit, perWeight: Bool = false, trainableFraction: Float = 1,
    catchUpPeriod: Int? = nil, seed: UInt64? = nil,
    schedule: ScheduleRecipe = .constant
  ) throws {
    guard minimumLearningRate > 0, maximumLearningRate > 0, minimumLearningRate.isFinite, maximumLearningRate.isFinite
    else {
      throw TrainingError(
        "Alrao's learning rates must be positive numbers, not minLearningRate: \(minimumLearningRate), maxLearningRate: \(maximumLearningRate)",
        help: "the rates are drawn log-uniformly, so both ends must be above 0: the paper uses 1e-5 and 10")
    }
    // Equal ends are allowed: with one copy that is plain SGD at that rate (ALGORITHMS §2.7's
    // property), and with trainableFraction < 1 the paper's App. F experiment.
    guard minimumLearningRate <= maximumLearningRate else {
      throw TrainingError(
        "Alrao's minLearningRate (\(minimumLearningRate)) must not be above its maxLearningRate (\(maximumLearningRate))",
        help: "give an interval that contains a good rate, such as minLearningRate: 1e-5, maxLearningRate: 10")
    }
    guard classifiers >= 1 else {
      throw TrainingError(
        "Alrao needs at least one classifier copy, not \(classifiers)", help: "the paper uses classifiers: 10")
    }
    guard (0...1).contains(theta) else {
      throw TrainingError("Alrao's theta must be in 0...1, not \(theta)", help: "the reference code uses 0.9999")
    }
    guard trainableFraction > 0, trainableFraction <= 1 else {
      throw TrainingError(
        "Alrao's trainableFraction must be in (0, 1], not \(trainableFraction)", help: "1 trains every feature")
    }
    if let catchUpPeriod, catchUpPeriod < 1 {
      throw TrainingError("Alrao's catchUp period must be at least 1 step, not \(catchUpPeriod)")
    }
    self.minimumLearningRate = minimumLearningRate
    self.maximumLearningRate = maximumLearningRate
    self.classifiers = classifiers
    self.base = base
    self.theta = theta
    self.batchLikelihood = batchLikelihood
    self.prediction = prediction
    self.lstmFeatures = lstmFeatures
    self.perWeight = perWeight
    self.trainableFraction = trainableFraction
    self.catchUpPeriod = catchUpPeriod
    self.seed = seed
    self.schedule = schedule
  }

  /// The top of the interval: the rate a diverging run should lower.
  public var learningRate: Float { maximumLearningRate }

  /// The copies' rates.
  public var classifierRates: [Float] {
    AlraoFeatureRates.classifierRates(count: classifiers, minimum: minimumLearningRate, maximum: maximumLearningRate)
  }

  /// The model with its head replaced by the copies: copy 0 is the head as it was, the others
  /// drawn from the seed.
  public func prepare(_ model: Module, for task: DataTask, seed runSeed: UInt64) throws -> Module {
    var generator = RandomGenerator(seed: (seed ?? runSeed) &+ 0xA1_2A0)
    let likelihood: MixtureLikelihood
    if case .regression = task { likelihood = .gaussian } else { likelihood = .categorical }
    if likelihood == .categorical, let path = model.headPath,
      let head = model.namedModules().first(where: { $0.path == path })?.module as? Linear, head.outputCount < 2
    {
      throw TrainingError(
        "Alrao's classifier copies need one output per class, but the model's last layer has \(head.outputCount)",
        help: "end the model with as many outputs as classes (2 for two classes)")
    }
    do {
      let prepared = try model.replacingHeadWithAlrao(
        copies: classifiers, rates: classifierRates, likelihood: likelihood, theta: theta, prediction: prediction,
        generator: &generator)
      prepared.alraoHead?.batchLikelihood = batchLikelihood
      return prepared
    } catch let error as ModuleError {
      throw TrainingError(error.description, help: error.help)
    }
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    if let head = model.alraoHead { head.theta = theta }
    return try Alrao(
      model: model, featureRates: featureRates(for: plan), base: base, schedule: schedule.resolved(for: plan, base: 1),
      catchUpPeriod: catchUpPeriod)
  }

  /// The sampler of the trunk's per-feature rates for a run of `plan` (its seed unless the
  /// recipe has its own).
  public func featureRates(for plan: RunPlan) -> AlraoFeatureRates {
    AlraoFeatureRates(
      minimum: minimumLearningRate, maximum: maximumLearningRate, seed: seed ?? plan.seed, lstmFeatures: lstmFeatures,
      perWeight: perWeight, trainableFraction: trainableFraction)
  }

  public func objective(for model: Module, optimizer: Optimizer) throws -> (any TrainingObjective)? {
    guard let alrao = optimizer as? Alrao else { return nil }
    return AlraoObjective(alrao)
  }

  public var description: String {
    var parts = ["minLearningRate: \(minimumLearningRate)", "maxLearningRate: \(maximumLearningRate)"]
    if classifiers != 10 { parts.append("classifiers: \(classifiers)") }
    switch base {
    case .sgd(let momentum, let rule, let decay):
      if momentum != 0 { parts.append("momentum: \(momentum)") }
      if momentum != 0 && rule == .sqrtRate { parts.append("momentumRule: .sqrtRate") }
      if decay != 0 { parts.append("weightDecay: \(decay)") }
    case .adam(_, _, _, let decay):
      parts.append("base: .adam")
      if decay != 0 { parts.append("weightDecay: \(decay)") }
    }
    if theta != 0.9999 { parts.append("theta: \(theta)") }
    if batchLikelihood != .mean { parts.append("batchLikelihood: .\(batchLikelihood.rawValue)") }
    if prediction != .bestCopy { parts.append("prediction: .\(prediction.rawValue)") }
    if lstmFeatures != .perUnit { parts.append("lstmFeatures: .\(lstmFeatures.rawValue)") }
    if perWeight { parts.append("perWeight: true") }
    if trainableFraction != 1 { parts.append("trainableFraction: \(trainableFraction)") }
    if let catchUpPeriod { parts.append("catchUp: \(catchUpPeriod)") }
    if schedule != .constant { parts.append("schedule: \(schedule.description)") }
    return "Alrao(\(parts.joined(separator: ", ")))"
  }
}
