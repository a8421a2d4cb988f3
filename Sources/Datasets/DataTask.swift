/// What a data set's samples are to be predicted as; decides which of `Batch.labels` and
/// `Batch.targets` a batch fills and which loss fits.
public enum DataTask: Sendable, Equatable {
  /// One class label per sample, in `0..<classes`.
  case classification(classes: Int)
  /// A target vector of `outputs` values per sample (`Batch.targets`), for a squared-error loss.
  case regression(outputs: Int)
  /// Next-token prediction: a label in `0..<vocabulary` per position of the input window.
  case sequence(vocabulary: Int)
}
