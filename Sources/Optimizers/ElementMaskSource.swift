import TensorCore

/// Where the per-element masks of `RandomSubgroupMultirate` and `RandomMaskingSGD` come from.
///
/// A mask chooses elements (1 = chosen: slow, or deactivated); only elements the parameter's own
/// `mask` owns can be chosen.
public enum ElementMaskSource {
  /// Each owned element of parameter j is chosen independently with its parameter's
  /// probability, from a `RandomGenerator` seeded once: the same seed gives the same masks.
  case random(seed: UInt64)
  /// Masks made elsewhere — a test's fixed pattern, a structured choice: the draw number (0, 1, …)
  /// gives one 0/1 tensor per parameter, in the optimizer's order.
  case given((Int) throws -> [Tensor])
}
