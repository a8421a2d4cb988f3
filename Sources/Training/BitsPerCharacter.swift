import Datasets

/// Bits per character, the unit language-model papers report (Alrao's Table 1 PTB row): the
/// softmax cross-entropy of next-token prediction, which Tempo measures in nats per position,
/// divided by ln 2. A text data set's tokens are characters (`Vocabulary`), so a position is a
/// character.
public enum BitsPerCharacter {
  /// Whether a loss on data of this task is a per-character cross-entropy: next-token data
  /// (`.sequence`) trained or measured with softmax cross-entropy. Alrao's mixture objective
  /// qualifies as well: its loss is the NLL of the averaged model, also in nats per character.
  public static func applies(to task: DataTask, loss: Loss) -> Bool {
    guard case .sequence = task else { return false }
    return loss == .crossEntropy
  }

  /// `nats / ln 2`.
  public static func fromNats(_ nats: Double) -> Double { nats / naturalLogarithmOf2 }

  /// ln 2 to Double precision.
  static let naturalLogarithmOf2 = 0.693_147_180_559_945_3
}
