/// What multirate training should save in time: the paper's Eq. 6 (Vlaar & Leimkuhler 2022,
/// §4.2; ALGORITHMS §1.12), with the backward/forward ratio β as a parameter, or from measured
/// times.
///
/// Per cycle of k steps full training does k forwards and k full backwards; multirate does k
/// forwards, one full backward and k − 1 fast-only backwards (through the last ℓ of L layers):
///
///     speed-up = k·(F + B) / (k·F + B + (k − 1)·B_fast)
///
/// With F = L, B = β·L and B_fast = β·ℓ that is k(1 + β) / (k + β + β(k − 1)·ℓ/L); β = 1 gives
/// Eq. 6, 2k / ((k + 1) + (k − 1)·ℓ/L), which tends to 2k/(k + 1) as ℓ/L → 0 (k = 5: 1.667).
/// The model holds only when the fast part is the end of the network (a head): with fast
/// parameters early (slow biases, random masks) the backward still crosses the whole network and
/// nothing is saved.
public struct MultirateCostModel: Sendable, Equatable {
  /// The cost of a forward pass.
  public var forward: Double
  /// The cost of a backward pass through the whole network.
  public var fullBackward: Double
  /// The cost of a backward pass through the fast part only.
  public var fastBackward: Double

  /// Costs as measured (seconds per batch, say).
  public init(forward: Double, fullBackward: Double, fastBackward: Double) {
    self.forward = forward
    self.fullBackward = fullBackward
    self.fastBackward = fastBackward
  }

  /// The layer model: a forward costs 1, a full backward β, a fast backward β·ℓ/L.
  ///
  /// - Parameters:
  ///   - fastFraction: ℓ/L, the share of the network the fast part spans.
  ///   - backwardRatio: β, the cost of a backward relative to a forward (1 in Eq. 6).
  public init(fastFraction: Double, backwardRatio: Double = 1) {
    self.init(forward: 1, fullBackward: backwardRatio, fastBackward: backwardRatio * fastFraction)
  }

  /// Full-training time over multirate time for ratio k (1 for k ≤ 1).
  public func speedUp(k: Int) -> Double { speedUp(stepsPerCycle: Double(k)) }

  /// The same for a measured number of steps per full step, which need not be whole (a run
  /// whose last cycle was cut short).
  public func speedUp(stepsPerCycle k: Double) -> Double {
    guard k > 1 else { return 1 }
    return k * (forward + fullBackward) / (k * forward + fullBackward + (k - 1) * fastBackward)
  }

  /// The limit as k → ∞: (F + B) / (F + B_fast) (2 in Eq. 6 with ℓ/L → 0).
  public var limit: Double { (forward + fullBackward) / (forward + fastBackward) }
}
