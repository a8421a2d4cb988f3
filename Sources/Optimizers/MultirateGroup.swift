/// One time scale of a `Multirate` optimizer: named parameters (or elements of them, by mask)
/// that share a clock, a base rule and a weight decay.
///
/// The name is only for people: errors name the group (`groups 'fast' and 'slow' both own …`).
/// The clock is given by the optimizer (its ratios), not by the group, so groups can be reused
/// in another arrangement.
public struct MultirateGroup {
  public let name: String
  public let parameters: [OptimizedParameter]
  /// What the group does with a fresh gradient (default SGD with momentum 0.9).
  public let rule: MultirateRule
  /// L2 weight decay ω added to the gradient at each refresh, θ taken at refresh time
  /// (Algorithm A3).
  public let weightDecay: Float
  /// The group's own stepsize hᵢ — its displacement per refresh period along its direction —
  /// when uncoupled from the learning rate (§3.1, App. E: the slow stepsize h_S); nil couples
  /// it, hᵢ = periodᵢ · learningRate.
  public let stepSize: Float?

  /// A group of parameters stepping on one clock.
  ///
  /// - Parameters:
  ///   - name: the name errors use.
  ///   - parameters: the parameters, with masks when the group owns part of a tensor.
  ///   - rule: the base rule applied at each refresh.
  ///   - weightDecay: L2 decay added to the gradient at each refresh.
  ///   - stepSize: the displacement per refresh period (uncoupled); nil = coupled.
  public init(
    _ name: String, _ parameters: [OptimizedParameter], rule: MultirateRule = .sgd(), weightDecay: Float = 0,
    stepSize: Float? = nil
  ) {
    self.name = name
    self.parameters = parameters
    self.rule = rule
    self.weightDecay = weightDecay
    self.stepSize = stepSize
  }
}
