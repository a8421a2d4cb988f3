import Autodiff
import NN
import TensorCore

/// Multirate as a regulariser (Vlaar & Leimkuhler 2022, §5.1, Fig. 8; ALGORITHMS §1.8): every
/// cycle a random subset of each weight tensor is slow. During the fast steps the slow elements
/// are switched off — set to 0 for the forward and backward, their gradients discarded — and
/// the other elements take SGD steps with the fast rate; then the slow elements get their values
/// back and one joint step moves the fast elements with h_F and the slow ones with h_S = k·h_F
/// (or a free `slowStepSize`).
///
/// `learningRate` is h_F, the per-step rate (0.1 in the paper). Each element of parameter j is
/// slow with probability `slowProbabilities[j]` — the paper's 0.8 for the input layer's weights
/// and 0.5 for the hidden layer's (`layerProbabilities(_:)`), biases fast unless given one.
/// The masks come from `masks` (seeded random, or given).
///
/// The slow elements are set to 0 in `prepareStep()` and written back in `finishStep`, after
/// every step (also one that stopped early): between steps the network always holds its real
/// values. Misuse to avoid: reading the parameters between `prepareStep()` and `finishStep` —
/// during a fast step the slow elements read 0.
///
/// Momentum is 0 by default (the paper's figure says SGD; D-MR-7). With momentum, each element
/// keeps its buffer, updated only when the element receives a gradient (fast elements at
/// every step, slow elements at the joint step) and stepped with its group's rate.
public final class RandomSubgroupMultirate: Optimizer {
  /// How a cycle reads "k fast updates, then one joint step" (ALGORITHMS §1.8).
  public enum Interpretation: Sendable, Equatable {
    /// k steps with the slow elements off, then the joint step: k + 1 steps per cycle (A, the
    /// sentence order of the paper).
    case zeroedStepsThenJoint
    /// k − 1 steps with the slow elements off, the joint step as the k-th: k steps per cycle (B).
    case jointAsKthStep
  }

  public let parameters: [OptimizedParameter]
  public let slowProbabilities: [Float]
  public let k: Int
  public let baseLearningRate: Float
  /// h_S per joint step when uncoupled; nil means k·learningRate.
  public let slowStepSize: Float?
  public let momentum: Float
  public let interpretation: Interpretation
  public let schedule: LearningRateSchedule
  public private(set) var stepCount = 0
  /// Completed cycles (each with its own masks).
  public private(set) var cycle = 0

  private var position = 0
  private var drawnCycle: Int?
  private var elements: MaskedElements
  private var buffers: [ObjectIdentifier: Tensor] = [:]

  /// - Parameters:
  ///   - parameters: every parameter trained; each listed once.
  ///   - slowProbabilities: per parameter, the probability that an element is slow in a cycle.
  ///   - k: the fast steps per cycle (the paper uses 5; k = 3 was unstable).
  ///   - learningRate: h_F, the per-step rate.
  ///   - slowStepSize: h_S for the slow elements at the joint step; nil = k·learningRate.
  ///   - momentum: μ, 0 by default.
  ///   - interpretation: A (default) or B.
  ///   - masks: where the slow masks come from, one draw per cycle.
  ///   - schedule: applied to learningRate (and proportionally to an uncoupled slowStepSize).
  /// - Throws: `ModuleError` for a probability list that does not match, a probability outside
  ///   [0, 1], k < 1, a parameter listed twice or negative rates.
  public init(
    _ parameters: [OptimizedParameter], slowProbabilities: [Float], k: Int, learningRate: Float,
    slowStepSize: Float? = nil, momentum: Float = 0, interpretation: Interpretation = .zeroedStepsThenJoint,
    masks: ElementMaskSource = .random(seed: 0), schedule: LearningRateSchedule = .constant
  ) throws {
    self.parameters = try checkedMaskedParameters(parameters, probabilities: slowProbabilities, what: "slow")
    guard k >= 1 else {
      throw ModuleError("k must be at least 1 but is \(k)", help: "the paper uses k = 5 fast steps per cycle")
    }
    guard learningRate >= 0, momentum >= 0, (slowStepSize ?? 0) >= 0 else {
      throw ModuleError("random-subgroup multirate needs a non-negative learning rate, slow step size and momentum")
    }
    self.slowProbabilities = slowProbabilities
    self.k = k
    self.baseLearningRate = learningRate
    self.slowStepSize = slowStepSize
    self.momentum = momentum
    self.interpretation = interpretation
    self.schedule = schedule
    self.elements = MaskedElements(source: masks, probabilities: slowProbabilities, count: parameters.count)
  }

  /// The paper's probabilities for a `[OptimizedParameter](model)` list: `input` for the
  /// first weight tensor (rank ≥ 2), `hidden` for every later one, and for a bias its layer's
  /// probability when `includeBiases`, else 0.
  public static func layerProbabilities(
    _ model: Module, input: Float = 0.8, hidden: Float = 0.5, includeBiases: Bool = false
  ) -> [Float] {
    var seenWeight = false
    var layerProbability: [String: Float] = [:]
    let named = model.namedParameters()
    func layer(_ path: String) -> String { String(path.split(separator: ".").dropLast().joined(separator: ".")) }
    for (path, variable) in named where variable.value.rank >= 2 {
      layerProbability[layer(path)] = seenWeight ? hidden : input
      seenWeight = true
    }
    return named.map { path, variable in
      if variable.value.rank >= 2 { return layerProbability[layer(path)] ?? hidden }
      return includeBiases ? layerProbability[layer(path)] ?? 0 : 0
    }
  }

  /// The steps with the slow elements off in each cycle.
  public var zeroedSteps: Int { interpretation == .zeroedStepsThenJoint ? k : k - 1 }

  /// The elements of a parameter that are slow in the current cycle (nil: none, or before the
  /// first draw).
  public func slowElements(of variable: Variable) -> Tensor? {
    parameters.firstIndex { $0.variable === variable }.flatMap { elements.chosen[$0] }
  }

  /// A parameter's momentum buffer (nil without momentum or before its first step).
  public func momentumBuffer(of variable: Variable) -> Tensor? { buffers[ObjectIdentifier(variable)] }

  public func prepareStep() throws -> GradientPlan {
    if position == 0, drawnCycle != cycle {
      try elements.draw(cycle, for: parameters)
      drawnCycle = cycle
    }
    let variables = parameters.map(\.variable)
    guard position < zeroedSteps else { return GradientPlan(parameters: variables, kind: "full") }
    elements.deactivate(parameters)
    return GradientPlan(parameters: variables, kind: "fast")
  }

  public func step() throws {
    if drawnCycle != cycle {
      try elements.draw(cycle, for: parameters)
      drawnCycle = cycle
    }
    let rate = currentLearningRate
    let joint = position >= zeroedSteps
    let slowRate =
      slowStepSize.map { $0 * (baseLearningRate > 0 ? rate / baseLearningRate : 1) } ?? Float(k) * rate
    for (j, parameter) in parameters.enumerated() {
      try SGD.update(parameter, mask: elements.active[j], rate: rate, momentum: momentum, buffers: &buffers)
      if joint, let slow = elements.chosen[j] {
        try SGD.update(parameter, mask: slow, rate: slowRate, momentum: momentum, buffers: &buffers)
      }
    }
    stepCount += 1
    position += 1
    if position > zeroedSteps {
      position = 0
      cycle += 1
    }
  }

  public func finishStep(updated: Bool) { elements.restore(parameters) }
}

/// The parameters of a masked-subgroup optimizer, validated, with one probability each.
func checkedMaskedParameters(
  _ parameters: [OptimizedParameter], probabilities: [Float], what: String
) throws -> [OptimizedParameter] {
  guard probabilities.count == parameters.count else {
    throw ModuleError(
      "\(parameters.count) parameters need \(parameters.count) \(what) probabilities but got \(probabilities.count)",
      help: "give one probability per parameter, in order (0 keeps a parameter out of the masks)")
  }
  if let bad = probabilities.firstIndex(where: { !(0...1).contains($0) }) {
    throw ModuleError(
      "the \(what) probability of \(parameters[bad].origin) must be in [0, 1] but is \(probabilities[bad])")
  }
  let checked = try validated(parameters)
  guard checked.count == parameters.count else {
    throw ModuleError(
      "a parameter is listed twice; each needs one \(what) probability", help: "list every parameter once")
  }
  return checked
}
