import Optimizers

/// How much faster a run's partial steps made it than full steps would have: the multirate
/// speed-up, measured in the run itself and set beside two predictions.
///
/// A full step runs the forward and a full backward; a partial step (multirate's fast-only
/// step) runs the forward and a backward that stops at the fast parameters. With k steps per
/// cycle of which one is full:
///
/// - measured: a full step's mean time over the mean time of all steps;
/// - Eq. 6 (Vlaar & Leimkuhler 2022, §4.2): 2k / ((k+1) + (k−1)·ℓ/L), forward = backward, with
///   ℓ/L taken as the partial backward's time over the full backward's;
/// - the cost model: the same count with the run's own forward, full-backward and fast-backward
///   times, k(F+B) / (kF + B + (k−1)·B_fast) — Eq. 6 generalised to a backward β times the
///   forward (§1.12). It leaves out data and optimizer time, so where those weigh (a tiny model)
///   the measured speed-up differs from it, and the difference says how much they weigh.
public struct SpeedupMeter: Sendable, Equatable {
  /// Steps per cycle as run: all steps over full steps.
  public var stepsPerCycle: Double
  public var measured: Double
  public var equation6: Double
  public var costModel: Double
  /// The partial steps' backward time over the full steps'.
  public var backwardShare: Double
  /// The activations a partial step kept over a full step's (0 when nothing was measured).
  public var activationShare: Double

  /// The meter of a run's step statistics; nil unless it has both full and partial steps.
  public init?(_ kinds: [String: StepKindStatistics]) {
    guard let full = kinds["full"], full.steps > 0 else { return nil }
    var partial = StepKindStatistics()
    for (name, kind) in kinds where name != "full" {
      partial.steps += kind.steps
      partial.time = partial.time + kind.time
      partial.savedActivationBytes = max(partial.savedActivationBytes, kind.savedActivationBytes)
    }
    guard partial.steps > 0 else { return nil }
    let steps = Double(full.steps + partial.steps)
    let k = steps / Double(full.steps)
    func mean(_ seconds: Double, _ count: Int) -> Double { seconds / Double(count) }
    let forward = mean(full.time.forward + partial.time.forward, full.steps + partial.steps)
    let backward = mean(full.time.backward, full.steps)
    let fastBackward = mean(partial.time.backward, partial.steps)
    let share = backward > 0 ? fastBackward / backward : 1
    stepsPerCycle = k
    measured = full.meanStepTime / ((full.time.training + partial.time.training) / steps)
    equation6 = MultirateCostModel(fastFraction: share).speedUp(stepsPerCycle: k)
    costModel = MultirateCostModel(forward: forward, fullBackward: backward, fastBackward: fastBackward)
      .speedUp(stepsPerCycle: k)
    backwardShare = share
    activationShare =
      full.savedActivationBytes > 0 ? Double(partial.savedActivationBytes) / Double(full.savedActivationBytes) : 0
  }

  /// Eq. 6 of the paper: the speed-up of k-step cycles with one full backward when the fast
  /// part is ℓ of L equally costly layers and a backward costs what a forward does.
  public static func equation6(k: Double, fastShare: Double) -> Double {
    MultirateCostModel(fastFraction: fastShare).speedUp(stepsPerCycle: k)
  }

  /// Why a run with partial steps gained little, when its numbers say so: the partial
  /// backward cost almost a full one (the fast parameters sit early in the network).
  public var explanation: String? {
    guard backwardShare > 0.5 else { return nil }
    return
      "the fast steps' backward took \(Int((backwardShare * 100).rounded())) % of a full backward: fast parameters early in the network (biases, random subsets) make the backward traverse it anyway, so multirate cannot save time here"
  }
}
