import Autodiff
import Datasets
import Glibc
import NN
import Optimizers
import TensorCore

/// Where a run's wall time went. Data is making batches (gathering, converting bytes to floats,
/// augmenting); evaluation is the validation passes after each epoch.
public struct TimeSplit: Sendable, Equatable {
  public var data = 0.0
  public var forward = 0.0
  public var backward = 0.0
  public var optimizer = 0.0
  public var evaluation = 0.0

  public init() {}

  /// Seconds spent in training steps (everything but evaluation).
  public var training: Double { data + forward + backward + optimizer }
  public var total: Double { training + evaluation }

  public static func + (lhs: TimeSplit, rhs: TimeSplit) -> TimeSplit {
    var sum = lhs
    sum.data += rhs.data
    sum.forward += rhs.forward
    sum.backward += rhs.backward
    sum.optimizer += rhs.optimizer
    sum.evaluation += rhs.evaluation
    return sum
  }
}

/// A monotonic clock in seconds.
enum Clock {
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// What one step gave.
public struct StepOutcome: Sendable {
  public var loss: Float
  public var correct: Int?
  public var predictions: Int
}

/// One optimisation step on one batch, shared by `fit` and `Trainer` so both train the same way.
struct TrainingStep {
  let model: Module
  let optimizer: Optimizer
  let loss: Loss
  let task: DataTask
  let clipNorm: Float?

  /// Makes the batch, runs forward and backward and updates the parameters, adding the time of
  /// each part to `time`. A loss that `isAcceptable` refuses (by default a non-finite one)
  /// returns before the update, so parameters stay as they were (the run is over anyway, and
  /// the user may want to look at the model that diverged).
  func run(
    indices: [Int], data: Dataset, epoch: Int, time: inout TimeSplit,
    isAcceptable: (Float) -> Bool = { $0.isFinite }
  ) throws -> StepOutcome {
    var mark = Clock.now()
    func lap(_ part: WritableKeyPath<TimeSplit, Double>) {
      let now = Clock.now()
      time[keyPath: part] += now - mark
      mark = now
    }
    let batch = try data.batch(indices, epoch: epoch)
    lap(\.data)
    optimizer.zeroGradients()
    let output = try model(Variable(batch.inputs))
    let measured = try loss.measure(output, on: batch, task: task)
    lap(\.forward)
    let value = measured.loss.value.scalar ?? .nan
    guard isAcceptable(value) else {
      return StepOutcome(loss: value, correct: measured.correct, predictions: measured.predictions)
    }
    try measured.loss.backward()
    lap(\.backward)
    if let clipNorm { optimizer.clipGradientNorm(clipNorm) }
    try optimizer.step()
    lap(\.optimizer)
    return StepOutcome(loss: value, correct: measured.correct, predictions: measured.predictions)
  }
}
