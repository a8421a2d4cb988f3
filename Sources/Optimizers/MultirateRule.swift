/// The base optimizer a multirate group applies whenever it gets a fresh gradient.
///
/// The paper uses heavy-ball SGD with the same momentum for every group and names per-group
/// base optimizers (Adam for one group) as future work (Vlaar & Leimkuhler 2022, App. A;
/// `papers/000_4db28fb018c3a7ba.txt`). Either way a group keeps a *direction* between
/// refreshes — the momentum buffer for SGD, m̂ / (√v̂ + ε) for Adam — and linear drift moves
/// the group along it at every finest step.
public enum MultirateRule: Sendable, Equatable {
  /// Heavy-ball SGD, p = momentum·p + g (p starts at 0, so the first p is g), θ −= η·p.
  case sgd(momentum: Float = 0.9)
  /// Adam with bias correction, the direction m̂ / (√v̂ + ε); the bias corrections count this
  /// group's refreshes of the parameter.
  case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

  /// Why the hyper-parameters cannot be used, or nil.
  func problem(group name: String) -> String? {
    switch self {
    case .sgd(let momentum):
      guard momentum >= 0, momentum.isFinite else { return "group '\(name)' needs momentum ≥ 0 but has \(momentum)" }
    case .adam(let beta1, let beta2, let epsilon):
      guard (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon >= 0 else {
        return "group '\(name)' needs Adam betas in [0, 1) and ε ≥ 0"
      }
    }
    return nil
  }
}
