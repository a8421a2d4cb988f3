import Datasets
import NN
import Optimizers

/// Training one step at a time, for loops the user writes: the same step `fit` takes, with
/// `fit`'s configuration (batch size, seed, loss, shuffling, gradient clipping), on batches
/// drawn in `fit`'s order, epoch after epoch. The configuration's `epochs` is not used: a
/// trainer runs as long as it is stepped. The learning rate follows the optimizer's own
/// schedule.
public final class Trainer {
  public let model: Module
  public let optimizer: Optimizer
  public let data: Dataset
  public let configuration: FitConfiguration
  public let loss: Loss
  private let trainingStep: TrainingStep
  /// The batches of the current epoch, and the next one to take.
  private var order: [[Int]] = []
  private var position = 0
  /// Epochs begun (the first step starts epoch 1).
  public private(set) var epoch = 0
  public private(set) var stepCount = 0
  /// The loss of the last step (nan before the first).
  public private(set) var lastLoss: Float = .nan
  public private(set) var lastAccuracy: Double?
  public private(set) var time = TimeSplit()
  /// The steps of each kind so far (see `RunRecord.stepKinds`).
  public private(set) var stepKinds: [String: StepKindStatistics] = [:]

  /// `objective`, when given, is what the steps minimise in place of the configuration's loss
  /// (an optimizer recipe's own, as Alrao's).
  public init(
    model: Module, optimizer: Optimizer, data: Dataset, configuration: FitConfiguration = FitConfiguration(),
    objective: (any TrainingObjective)? = nil
  ) throws {
    guard configuration.batchSize >= 1 else {
      throw TrainingError("batchSize must be at least 1, not \(configuration.batchSize)")
    }
    guard data.count > 0 else { throw TrainingError("the training data '\(data.name)' is empty") }
    self.model = model
    self.optimizer = optimizer
    self.data = data
    self.configuration = configuration
    self.loss = try configuration.loss ?? Fit.probeLoss(model, data)
    trainingStep = TrainingStep(
      model: model, optimizer: optimizer, objective: objective?.using(self.loss) ?? self.loss, task: data.task,
      clipNorm: configuration.clipGradientNorm)
  }

  public var batchSize: Int { configuration.batchSize }
  public var seed: UInt64 { configuration.seed }

  /// Takes one step and returns its loss. A NaN or infinite loss is returned, not thrown, and
  /// the parameters are left as they were before it.
  @discardableResult
  public func step() throws -> Float {
    if position == order.count {
      order = data.batchIndices(
        size: configuration.batchSize, shuffle: configuration.shuffle, seed: configuration.seed, epoch: epoch)
      position = 0
      epoch += 1
    }
    model.setTraining(true)
    let outcome = try trainingStep.run(
      indices: order[position], data: data, epoch: epoch - 1, time: &time, kinds: &stepKinds)
    position += 1
    stepCount += 1
    lastLoss = outcome.loss
    lastAccuracy = outcome.correct.map { Double($0) / Double(max(outcome.predictions, 1)) }
    return outcome.loss
  }
}
