import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore

/// Alrao's training objective (ALGORITHMS §2.4): the mixture's NLL, whose gradient reaches the
/// trunk only, plus each copy's own NLL on the trunk's output held constant, whose gradient
/// reaches that copy only — one fused op, one backward (`AlraoHead.trainingLoss`). The loss a
/// step reports is the mixture's NLL. After each step `fit` records the posterior over copies.
public struct AlraoObjective: TrainingObjective {
  public let head: AlraoHead
  /// The trunk's distinct per-feature rates, for the run's record.
  public let featureRates: [Float]

  public init(head: AlraoHead, featureRates: [Float] = []) {
    self.head = head
    self.featureRates = featureRates
  }

  /// The objective of an `Alrao` optimizer, with the rates it drew.
  public init(_ optimizer: Alrao) {
    self.init(head: optimizer.head, featureRates: Self.distinct(optimizer.featureRates.map { $0.rates }))
  }

  /// The objective of Alrao on multirate's clock, with the rates it drew.
  public init(_ optimizer: MultirateAlrao) {
    self.init(head: optimizer.head, featureRates: Self.distinct(optimizer.featureRates.map { $0.rates }))
  }

  /// Each distinct rate of the rate tensors once, in order (a feature's rate is shared by all
  /// its incoming weights).
  static func distinct(_ tensors: [Tensor]) -> [Float] {
    var seen: Set<Float> = []
    var distinct: [Float] = []
    for rates in tensors {
      var last = Float.nan
      for rate in rates.scalars where rate != last {
        last = rate
        if seen.insert(rate).inserted { distinct.append(rate) }
      }
    }
    return distinct
  }

  public var displayName: String {
    head.likelihood == .categorical ? "Alrao mixture cross-entropy" : "Alrao Gaussian mixture NLL"
  }

  public func measure(_ output: Variable, on batch: Batch, task: DataTask) throws -> Measurement {
    switch head.likelihood {
    case .categorical:
      guard let classes = task.classCount else {
        throw TrainingError(
          "Alrao's classifier copies need class labels, but the data is for regression",
          help: "a model trained on regression data gets Alrao's regression head: start again from the model")
      }
      guard let width = output.shape.last, width >= classes else {
        throw TrainingError(
          "the model gives outputs of shape \(Tensor.describe(output.shape)) but the data has \(classes) classes",
          help: "give the model's last layer \(classes) outputs (for example classes: \(classes))")
      }
      let scores = output.shape.count == 2 ? output.value : try output.value.reshaped([-1, width])
      guard scores.shape[0] == batch.labels.count else {
        throw TrainingError(
          "the model gives \(scores.shape[0]) predictions for a batch with \(batch.labels.count) labels",
          help: "a sequence model must give one prediction per position: output [N, length, classes]")
      }
      let (loss, _) = try head.trainingLoss(labels: batch.labels)
      return Measurement(
        loss: loss, correct: try Loss.correctArgmax(scores, labels: batch.labels), predictions: batch.labels.count)
    case .gaussian:
      guard let targets = batch.targets else {
        throw TrainingError(
          "Alrao's regression head needs target values, but the data has class labels",
          help: "a model trained on labelled data gets Alrao's classifier copies: start again from the model")
      }
      guard output.value.count == targets.count else {
        throw TrainingError(
          "the model gives outputs of shape \(Tensor.describe(output.shape)) for targets of shape \(Tensor.describe(targets.shape))",
          help: "give the model's last layer \(targets.shape.last ?? 1) outputs")
      }
      let (loss, _) = try head.trainingLoss(targets: try targets.reshaped([-1, head.outputCount]))
      return Measurement(loss: loss, correct: nil, predictions: batch.count)
    }
  }

  public func stepFinished(_ record: RunRecord) {
    if record.alrao == nil {
      record.alrao = AlraoTrace(classifierRates: head.classifierRates, featureRates: featureRates)
    }
    record.alrao?.switchWeights.append(head.posterior.map(Float.init))
  }
}

/// What an Alrao run drew and how its posterior moved.
public struct AlraoTrace: Sendable, Equatable {
  /// The copies' learning rates, smallest first.
  public var classifierRates: [Float]
  /// The trunk's per-feature rates: each distinct rate once (a feature's rate is shared by all
  /// its incoming weights), in parameter order.
  public var featureRates: [Float]
  /// The posterior over copies after every step (steps × copies), every step kept: 4 bytes
  /// per copy per step.
  public var switchWeights: [[Float]] = []

  public init(classifierRates: [Float], featureRates: [Float]) {
    self.classifierRates = classifierRates
    self.featureRates = featureRates
  }
}
