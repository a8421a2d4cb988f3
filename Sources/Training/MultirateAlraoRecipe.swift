import Datasets
import NN
import Optimizers

/// Alrao on multirate's clock as a value (`Multirate(Alrao(…), k: 5, fast: net.head)`), beyond
/// both papers: the run's model gets Alrao's head of classifier copies and its trunk Alrao's
/// per-feature rates, as with `AlraoRecipe`; the optimizer is a `MultirateAlrao` — the head's
/// copies fast, the slow part of the trunk refreshed every k steps and drifting in between —
/// and the steps minimise Alrao's objective.
///
/// Only Algorithm 1 on Alrao-SGD: the slow step is coupled (k × each feature's rate per cycle),
/// the head is always fast.
public struct MultirateAlraoRecipe: OptimizerRecipe {
  public var alrao: AlraoRecipe
  /// `.fast(selection)` (must contain the whole head) or `.slow(selection)` (must not touch it).
  public var partition: MultirateRecipe.Partition
  public var k: Int

  /// - Throws: `TrainingError` for an Alrao base other than SGD with the standard momentum,
  ///   a partition by scales, or k < 1.
  public init(alrao: AlraoRecipe, partition: MultirateRecipe.Partition, k: Int) throws {
    guard case .sgd(_, let rule, _) = alrao.base else {
      throw TrainingError(
        "Alrao on multirate's clock runs Alrao-SGD; base: .adam is not supported",
        help: "drop base: .adam from Alrao(…) (the Alrao paper reports Alrao-SGD)")
    }
    if case .sgd(let momentum, _, _) = alrao.base, momentum != 0, rule == .sqrtRate {
      throw TrainingError(
        "Alrao on multirate's clock uses the standard momentum for the trunk; momentumRule: .sqrtRate is not supported",
        help: "drop momentumRule: .sqrtRate")
    }
    if case .scales = partition {
      throw TrainingError(
        "Alrao on multirate's clock has two clocks, the head fast and the trunk slow; scales: is not supported",
        help: "write Multirate(Alrao(…), k: 5, fast: net.head)")
    }
    guard k >= 1 else {
      throw TrainingError("k must be at least 1 but is \(k)", help: "k = 1 is Alrao itself; multirate's paper uses 5")
    }
    self.alrao = alrao
    self.partition = partition
    self.k = k
  }

  public var learningRate: Float { alrao.learningRate }
  public var schedule: ScheduleRecipe { alrao.schedule }

  public func prepare(_ model: Module, for task: DataTask, seed: UInt64) throws -> Module {
    try alrao.prepare(model, for: task, seed: seed)
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    guard let head = model.alraoHead else {
      throw TrainingError(
        "Alrao on multirate's clock needs the model Alrao prepared (its head replaced by the copies)",
        help: "let fit or Trainer start the run from the recipe")
    }
    head.theta = alrao.theta
    let slow: ParameterSelection
    switch partition {
    case .fast(let selection):
      slow = .complement(selection)
      if let kept = try ParameterSelection.intersection([.head, slow]).resolve(in: model).first {
        throw TrainingError(
          "the fast group \(selection) leaves '\(kept.path)' of the Alrao head slow; the head's copies and their switch are the fast group",
          help: "make the whole head fast: fast: net.head")
      }
    case .slow(let selection): slow = selection
    case .scales: slow = .trunk
    }
    guard case .sgd(let momentum, _, let weightDecay) = alrao.base else {
      throw TrainingError("Alrao on multirate's clock runs Alrao-SGD only")
    }
    do {
      return try MultirateAlrao(
        model: model, featureRates: alrao.featureRates(for: plan), slow: slow, k: k, momentum: momentum,
        weightDecay: weightDecay, schedule: alrao.schedule.resolved(for: plan, base: 1),
        catchUpPeriod: alrao.catchUpPeriod)
    } catch let error as ModuleError {
      throw TrainingError(error.description, help: error.help)
    }
  }

  public func objective(for model: Module, optimizer: Optimizer) throws -> (any TrainingObjective)? {
    guard let combined = optimizer as? MultirateAlrao else { return nil }
    return AlraoObjective(combined)
  }

  public var description: String {
    var parts = [alrao.description, "k: \(k)"]
    switch partition {
    case .fast(let selection): parts.append("fast: \(selection)")
    case .slow(let selection): parts.append("slow: \(selection)")
    case .scales: break
    }
    return "Multirate(\(parts.joined(separator: ", ")))"
  }
}
