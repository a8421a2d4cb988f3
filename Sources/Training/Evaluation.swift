import Autodiff
import Datasets
import NN
import TensorCore

/// A model's loss and accuracy on a whole data set.
public struct EvaluationResult: Sendable, Equatable {
  public var loss: Double
  /// The fraction of right predictions; nil for regression.
  public var accuracy: Double?
  public var count: Int
  /// `loss` in bits per character, for next-character data measured with cross-entropy
  /// (`BitsPerCharacter`); nil otherwise.
  public var bitsPerCharacter: Double? = nil
}

public enum Evaluation {
  /// Runs the model in evaluation mode (dropout off, batch-norm running statistics) without
  /// recording gradients, over batches in order, and averages the loss over samples.
  public static func evaluate(
    _ model: Module, on data: Dataset, loss: Loss? = nil, batchSize: Int = 500
  ) throws -> EvaluationResult {
    guard data.count > 0 else { throw TrainingError("cannot evaluate on an empty data set '\(data.name)'") }
    var totalLoss = 0.0
    var correct = 0
    var predictions = 0
    var hasAccuracy = true
    var chosenLoss = loss
    try model.withMode(training: false) {
      try noGrad {
        for indices in data.batchIndices(size: batchSize, shuffle: false, seed: 0, epoch: 0) {
          let batch = try data.batch(indices)
          let output = try model(Variable(batch.inputs))
          let lossFunction = chosenLoss ?? Loss.automatic(for: data.task, outputWidth: output.shape.last ?? 1)
          chosenLoss = lossFunction
          let measured = try lossFunction.measure(output, on: batch, task: data.task)
          totalLoss += Double(measured.loss.value.scalar ?? .nan) * Double(batch.count)
          if let right = measured.correct { correct += right } else { hasAccuracy = false }
          predictions += measured.predictions
        }
      }
    }
    let meanLoss = totalLoss / Double(data.count)
    let perCharacter = chosenLoss.map { BitsPerCharacter.applies(to: data.task, loss: $0) } ?? false
    return EvaluationResult(
      loss: meanLoss, accuracy: hasAccuracy ? Double(correct) / Double(max(predictions, 1)) : nil,
      count: data.count, bitsPerCharacter: perCharacter ? BitsPerCharacter.fromNats(meanLoss) : nil)
  }

  /// The model's outputs for every sample, in order: `[count] + output shape`.
  public static func outputs(_ model: Module, on data: Dataset, batchSize: Int = 500) throws -> Tensor {
    var values: [Float] = []
    var rowShape: [Int] = []
    try model.withMode(training: false) {
      try noGrad {
        for indices in data.batchIndices(size: batchSize, shuffle: false, seed: 0, epoch: 0) {
          let output = try model(Variable(try data.batch(indices).inputs)).value
          rowShape = Array(output.shape.dropFirst())
          values += output.scalars
        }
      }
    }
    return try Tensor(shape: [data.count] + rowShape, values: values)
  }

  /// The predicted class of every sample (for a single-logit binary model, logit > 0 is class 1).
  public static func predictedClasses(_ model: Module, on data: Dataset, batchSize: Int = 500) throws -> [Int] {
    let scores = try outputs(model, on: data, batchSize: batchSize)
    let width = scores.shape.count > 1 ? scores.shape.last ?? 1 : 1
    if width == 1 { return scores.scalars.map { $0 > 0 ? 1 : 0 } }
    return try Loss.predictedClasses(scores.reshaped([-1, width]))
  }
}
