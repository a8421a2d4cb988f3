import Autodiff
import Datasets
import TensorCore

/// What a training step minimises on one batch: the loss to backpropagate and the accuracy
/// count that goes with it. The three standard losses (`Loss`) are objectives; an optimizer
/// recipe may supply its own (Alrao's mixture objective), which the training step then uses in
/// their place while evaluation keeps the standard loss.
public protocol TrainingObjective {
  /// How the objective reads in summaries: "cross-entropy".
  var displayName: String { get }
  /// The loss of `output` on `batch`, and how many predictions were right (nil for regression).
  func measure(_ output: Variable, on batch: Batch, task: DataTask) throws -> Measurement
  /// Called by `fit` after each step that updated, with the run's record (Alrao records the
  /// posterior over its copies there).
  func stepFinished(_ record: RunRecord)
  /// This objective with the run's standard loss, for an objective built around it (composite
  /// averaging adds the slow copy's loss to the fast copy's); most objectives ignore it.
  func using(_ loss: Loss) -> any TrainingObjective
}

extension TrainingObjective {
  public func stepFinished(_ record: RunRecord) {}
  public func using(_ loss: Loss) -> any TrainingObjective { self }
}

/// The standard losses, chosen from the data set's task unless given.
public enum Loss: String, Sendable, CaseIterable, TrainingObjective {
  /// Softmax cross-entropy over class scores (classification, next-token prediction).
  case crossEntropy
  /// Sigmoid cross-entropy on one logit per sample (two classes, as the spiral experiments use).
  case binaryCrossEntropy
  /// Mean squared error (regression).
  case meanSquaredError

  /// The usual loss for `task`: a classifier with a single output is trained as a binary one.
  public static func automatic(for task: DataTask, outputWidth: Int) -> Loss {
    switch task {
    case .classification(let classes) where classes == 2 && outputWidth == 1: return .binaryCrossEntropy
    case .classification, .sequence: return .crossEntropy
    case .regression: return .meanSquaredError
    }
  }

  /// The loss of `output` on `batch`, and how many predictions were right (nil for regression).
  public func measure(_ output: Variable, on batch: Batch, task: DataTask) throws -> Measurement {
    switch self {
    case .crossEntropy:
      guard let classes = task.classCount else {
        throw TrainingError(
          "cross-entropy needs class labels, but the data is for regression",
          help: "use loss: .meanSquaredError, or data with classes")
      }
      guard let width = output.shape.last, output.shape.count >= 2, width >= classes else {
        throw TrainingError(
          "the model gives outputs of shape \(Tensor.describe(output.shape)) but the data has \(classes) classes",
          help: "give the model's last layer \(classes) outputs (for example classes: \(classes))")
      }
      let scores = output.shape.count == 2 ? output : try output.reshaped([-1, width])
      guard scores.shape[0] == batch.labels.count else {
        throw TrainingError(
          "the model gives \(scores.shape[0]) predictions for a batch with \(batch.labels.count) labels",
          help: "a sequence model must give one prediction per position: output [N, length, classes]")
      }
      let loss = try scores.crossEntropy(targets: batch.labels)
      return Measurement(
        loss: loss, correct: try Self.correctArgmax(scores.value, labels: batch.labels), predictions: batch.labels.count
      )
    case .binaryCrossEntropy:
      guard output.value.count == batch.labels.count else {
        throw TrainingError(
          "binary cross-entropy needs one logit per sample, but the model gives \(Tensor.describe(output.shape))",
          help: "end the model with one output, or use loss: .crossEntropy with one output per class")
      }
      let targets = try Tensor(shape: output.shape, values: batch.labels.map { $0 == 0 ? 0 : 1 })
      let loss = try output.binaryCrossEntropyWithLogits(targets: targets)
      var correct = 0
      output.value.withUnsafeBufferPointer { logits in
        for (index, label) in batch.labels.enumerated() where (logits[index] > 0) == (label != 0) { correct += 1 }
      }
      return Measurement(loss: loss, correct: correct, predictions: batch.labels.count)
    case .meanSquaredError:
      guard let targets = batch.targets else {
        throw TrainingError(
          "mean squared error needs target values, but the data has class labels",
          help: "use loss: .crossEntropy, or make one-hot targets with data.oneHot()")
      }
      guard output.value.count == targets.count else {
        throw TrainingError(
          "the model gives outputs of shape \(Tensor.describe(output.shape)) for targets of shape \(Tensor.describe(targets.shape))",
          help: "give the model's last layer \(targets.shape.last ?? 1) outputs")
      }
      let predictions = output.shape == targets.shape ? output : try output.reshaped(targets.shape)
      return Measurement(
        loss: try predictions.meanSquaredError(targets: targets), correct: nil, predictions: batch.count)
    }
  }

  /// The number of rows of `scores` whose largest entry is at the label.
  static func correctArgmax(_ scores: Tensor, labels: [Int]) throws -> Int {
    guard let width = scores.shape.last, width > 0 else { return 0 }
    return zip(try predictedClasses(scores), labels).count { $0 == $1 }
  }

  /// The column of the largest entry of each row of `[rows, classes]` scores (the first, on
  /// ties), by `Tensor.argmax`.
  static func predictedClasses(_ scores: Tensor) throws -> [Int] {
    try scores.argmax(alongAxis: 1).scalars.map { Int($0) }
  }

  public var displayName: String {
    switch self {
    case .crossEntropy: return "cross-entropy"
    case .binaryCrossEntropy: return "binary cross-entropy"
    case .meanSquaredError: return "mean squared error"
    }
  }
}

/// A loss on one batch and the accuracy count that goes with it.
public struct Measurement {
  public var loss: Variable
  /// Right predictions; nil for regression, where accuracy means nothing.
  public var correct: Int?
  /// Predictions made: samples, or positions for a sequence model.
  public var predictions: Int
}

extension DataTask {
  /// The number of classes a classifier or a language model chooses among; nil for regression.
  public var classCount: Int? {
    switch self {
    case .classification(let classes): return classes
    case .sequence(let vocabulary): return vocabulary
    case .regression: return nil
    }
  }
}

/// Training that cannot go on as asked: the model and the data do not fit together, an option
/// is out of range. Carries the fix.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var help: String?

  public init(_ message: String, help: String? = nil) {
    self.message = message
    self.help = help
  }

  public var description: String { message + (help.map { "\nhelp: \($0)" } ?? "") }
}
