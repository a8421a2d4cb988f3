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
  /// The optimizer's name for the kind of step (`"full"`, or a multirate `"fast"` step).
  public var kind: String = "full"
}

/// The steps of one kind in a run (a multirate run has full and fast-only steps): how many,
/// where their time went, and what their graphs held.
public struct StepKindStatistics: Sendable, Equatable {
  public var steps = 0
  public var time = TimeSplit()
  /// The activation bytes a step's graph held before its backward, from the first steps of
  /// this kind (the graph is the same for every step of a kind).
  public var savedActivationBytes = 0
  /// The ops on such a step's tape.
  public var recordedOperations = 0

  public init() {}

  /// Seconds of a step of this kind, on average (data included, evaluation not).
  public var meanStepTime: Double { steps > 0 ? time.training / Double(steps) : .nan }
}

/// One optimisation step on one batch, shared by `fit` and `Trainer` so both train the same way.
///
/// The step follows the optimizer's per-step protocol and has no case for any optimizer: it
/// asks for the gradient plan, runs forward and backward differentiating only the planned
/// parameters (so a multirate fast step records nothing in the slow trunk), updates, runs the
/// optimizer's follow-up passes on the same batch, and always lets the optimizer finish the
/// step — also when the loss diverged or an error was thrown — so nothing it deactivated
/// stays deactivated in the model.
struct TrainingStep {
  let model: Module
  let optimizer: Optimizer
  let objective: any TrainingObjective
  let task: DataTask
  let clipNorm: Float?

  /// Makes the batch, runs forward and backward and updates the parameters, adding the time of
  /// each part to `time` and to the statistics of the step's kind. A loss that `isAcceptable`
  /// refuses (by default a non-finite one) returns before the update, so parameters stay as
  /// they were (the run is over anyway, and the user may want to look at the model that
  /// diverged).
  func run(
    indices: [Int], data: Dataset, epoch: Int, time: inout TimeSplit,
    kinds: inout [String: StepKindStatistics], isAcceptable: (Float) -> Bool = { $0.isFinite }
  ) throws -> StepOutcome {
    var split = TimeSplit()
    var mark = Clock.now()
    func lap(_ part: WritableKeyPath<TimeSplit, Double>?) {
      let now = Clock.now()
      if let part { split[keyPath: part] += now - mark }
      mark = now
    }
    let plan = try optimizer.prepareStep()
    var updated = false
    var statistics = kinds[plan.kind] ?? StepKindStatistics()
    defer {
      optimizer.finishStep(updated: updated)
      time = time + split
      statistics.steps += updated ? 1 : 0
      statistics.time = statistics.time + split
      kinds[plan.kind] = statistics
    }
    let batch = try data.batch(indices, epoch: epoch)
    lap(\.data)
    let measureGraph = statistics.steps < 2
    let first = try pass(batch, plan, measuringGraph: measureGraph, lap: lap, proceed: isAcceptable)
    var outcome = first.outcome
    outcome.kind = plan.kind
    if let graph = first.graph {
      statistics.savedActivationBytes = graph.savedActivationBytes
      statistics.recordedOperations = graph.operations.count
    }
    guard first.proceeded else { return outcome }
    try update()
    lap(\.optimizer)
    while let next = optimizer.followUpPass() {
      _ = try pass(batch, next, measuringGraph: false, lap: lap) { _ in true }
      try update()
      lap(\.optimizer)
    }
    updated = true
    return outcome
  }

  private func update() throws {
    if let clipNorm { optimizer.clipGradientNorm(clipNorm) }
    try optimizer.step()
  }

  /// One forward and, when `proceed` accepts the loss, its backward, differentiating what
  /// `plan` names.
  private func pass(
    _ batch: Batch, _ plan: GradientPlan, measuringGraph: Bool,
    lap: (WritableKeyPath<TimeSplit, Double>?) -> Void, proceed: (Float) -> Bool
  ) throws -> (outcome: StepOutcome, graph: RecordedGraph?, proceeded: Bool) {
    optimizer.zeroGradients()
    func body() throws -> (outcome: StepOutcome, graph: RecordedGraph?, proceeded: Bool) {
      let output = try model(Variable(batch.inputs))
      let measured = try objective.measure(output, on: batch, task: task)
      lap(\.forward)
      let value = measured.loss.value.scalar ?? .nan
      let outcome = StepOutcome(loss: value, correct: measured.correct, predictions: measured.predictions)
      let graph = measuringGraph ? measured.loss.recordedGraph() : nil
      // Counting the graph is bookkeeping, not training: its time goes to no part.
      if measuringGraph { lap(nil) }
      guard proceed(value) else { return (outcome, graph, false) }
      try measured.loss.backward()
      lap(\.backward)
      return (outcome, graph, true)
    }
    guard let parameters = plan.parameters else { return try body() }
    return try GradientMode.differentiating(only: parameters) { try body() }
  }
}
