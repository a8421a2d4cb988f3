import Datasets
import NN
import Optimizers

/// Training one step at a time, for loops the user writes: the same step `fit` takes, on
/// batches drawn in `fit`'s order (shuffled by seed and epoch), epoch after epoch.
public final class Trainer {
  public let model: Module
  public let optimizer: Optimizer
  public let data: Dataset
  public let batchSize: Int
  public let seed: UInt64
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

  public init(
    model: Module, optimizer: Optimizer, data: Dataset, batchSize: Int = 32, seed: UInt64 = 0, loss: Loss? = nil,
    schedule: LearningRateSchedule = .constant
  ) throws {
    guard batchSize >= 1 else { throw TrainingError("batchSize must be at least 1, not \(batchSize)") }
    guard data.count > 0 else { throw TrainingError("the training data '\(data.name)' is empty") }
    self.model = model
    self.optimizer = optimizer
    self.data = data
    self.batchSize = batchSize
    self.seed = seed
    self.loss = try loss ?? Fit.probeLoss(model, data)
    trainingStep = TrainingStep(
      model: model, optimizer: optimizer, schedule: schedule, baseLearningRate: optimizer.learningRate,
      loss: self.loss, task: data.task, clipNorm: nil)
  }

  /// Takes one step and returns its loss. A NaN or infinite loss is returned, not thrown, and
  /// the parameters are left as they were before it.
  @discardableResult
  public func step() throws -> Float {
    if position == order.count {
      order = data.batchIndices(size: batchSize, shuffle: true, seed: seed, epoch: epoch)
      position = 0
      epoch += 1
    }
    model.setTraining(true)
    let outcome = try trainingStep.run(indices: order[position], data: data, epoch: epoch - 1, time: &time)
    position += 1
    stepCount += 1
    lastLoss = outcome.loss
    lastAccuracy = outcome.correct.map { Double($0) / Double(max(outcome.predictions, 1)) }
    return outcome.loss
  }
}
