import TensorCore

/// Samples converted for one training or evaluation step.
///
/// The inputs are always Float32 (token ids of a text window too, as whole numbers), so a model
/// takes them without a cast; which of `labels` and `targets` is filled follows the data set's
/// `DataTask`.
public struct Batch: Sendable {
  /// Shape `[n] + sampleShape`.
  public var inputs: Tensor
  /// Classification: `n` labels; sequence: `n * length` labels, row-major; regression: empty.
  public var labels: [Int]
  /// Regression: shape `[n, outputs]`; `nil` otherwise.
  public var targets: Tensor?
  /// The number of samples `n`.
  public var count: Int

  public init(inputs: Tensor, labels: [Int], targets: Tensor? = nil, count: Int) {
    self.inputs = inputs
    self.labels = labels
    self.targets = targets
    self.count = count
  }
}
