import Autodiff
import NN
import TensorCore

/// A model with its fixed batch of random data and its loss: what a workload trains.
///
/// `tempo bench engine` times plain SGD steps on it and `tempo bench multirate` full steps
/// against multirate cycles; both build it from the same seed, so they train the same network
/// on the same data as `bench/pytorch/workloads.py`.
public struct TrainingProblem {
  public let name: String
  public let model: Module
  public let input: Tensor
  public let targets: [Int]
  /// True when the model predicts at every position (`[batch, length, classes]`): the loss then
  /// runs over all positions.
  public let lossOverPositions: Bool
  /// Model FLOPs per full step (the formula in bench/README.md).
  public let flopsPerStep: Double

  public init(
    name: String, flopsPerStep: Double, model: Module, input: Tensor, targets: [Int], lossOverPositions: Bool = false
  ) {
    self.name = name
    self.flopsPerStep = flopsPerStep
    self.model = model
    self.input = input
    self.targets = targets
    self.lossOverPositions = lossOverPositions
  }

  /// The mean cross-entropy of the model's predictions for `input` against the targets.
  ///
  /// - Throws: `TensorError` when the model and the batch do not fit together.
  public func loss(of input: Variable) throws -> Variable {
    var logits = try model(input)
    if lossOverPositions, let classes = logits.shape.last { logits = try logits.reshaped([-1, classes]) }
    return try logits.crossEntropy(targets: targets)
  }
}
