/// Per-channel standardisation, `(value - mean[c]) / std[c]`, applied when a batch is made so
/// that images can stay bytes.
///
/// A channel is the first dimension of an image's `[C, H, W]` layout (it survives
/// `flattened()`); a vector sample `[D]` has one channel per feature, which standardises tabular
/// data column by column.
public struct Normalization: Sendable, Equatable {
  public var mean: [Float]
  public var std: [Float]

  public init(mean: [Float], std: [Float]) {
    self.mean = mean
    self.std = std
  }

  /// This normalisation followed by `next`, as one: `((x - m1) / s1 - m2) / s2`.
  func followed(by next: Normalization) -> Normalization {
    Normalization(
      mean: zip(zip(mean, std), next.mean).map { pair, nextMean in pair.0 + nextMean * pair.1 },
      std: zip(std, next.std).map { $0 * $1 })
  }
}
