import Autodiff
import NN
import TensorCore

/// The "no multirate" ablation of random-subgroup multirate (Vlaar & Leimkuhler 2022, Fig. 8;
/// ALGORITHMS §1.8, oracle M8c): every step a new random subset of elements is switched off —
/// set to 0 for that step's forward and backward, its gradients discarded, its values kept —
/// and only the other elements take an SGD step with `learningRate`. Like DropConnect on the
/// gradient, without rescaling and without the large slow step.
///
/// The masked values are written back in `finishStep`, so between steps the network holds its
/// real values. Momentum (0 by default) keeps a per-element buffer updated only for the elements
/// that take the step.
public final class RandomMaskingSGD: Optimizer {
  public let parameters: [OptimizedParameter]
  public let maskProbabilities: [Float]
  public let baseLearningRate: Float
  public let momentum: Float
  public let schedule: LearningRateSchedule
  public private(set) var stepCount = 0

  private var drawnStep: Int?
  private var elements: MaskedElements
  private var buffers: [ObjectIdentifier: Tensor] = [:]

  /// - Parameters:
  ///   - parameters: every parameter trained; each listed once.
  ///   - maskProbabilities: per parameter, the probability that an element is off in a step.
  ///   - learningRate: h, the rate of the active elements.
  ///   - momentum: μ, 0 by default.
  ///   - masks: where the masks come from, one draw per step.
  ///   - schedule: applied to learningRate.
  /// - Throws: `ModuleError` for a probability list that does not match, a probability outside
  ///   [0, 1], a parameter listed twice or a negative rate.
  public init(
    _ parameters: [OptimizedParameter], maskProbabilities: [Float], learningRate: Float, momentum: Float = 0,
    masks: ElementMaskSource = .random(seed: 0), schedule: LearningRateSchedule = .constant
  ) throws {
    self.parameters = try checkedMaskedParameters(parameters, probabilities: maskProbabilities, what: "mask")
    guard learningRate >= 0, momentum >= 0 else {
      throw ModuleError("random masking needs a non-negative learning rate and momentum")
    }
    self.maskProbabilities = maskProbabilities
    self.baseLearningRate = learningRate
    self.momentum = momentum
    self.schedule = schedule
    self.elements = MaskedElements(source: masks, probabilities: maskProbabilities, count: parameters.count)
  }

  /// The elements of a parameter switched off in the current step (nil: none).
  public func maskedElements(of variable: Variable) -> Tensor? {
    parameters.firstIndex { $0.variable === variable }.flatMap { elements.chosen[$0] }
  }

  /// A parameter's momentum buffer (nil without momentum or before its first step).
  public func momentumBuffer(of variable: Variable) -> Tensor? { buffers[ObjectIdentifier(variable)] }

  public func prepareStep() throws -> GradientPlan {
    try drawIfNeeded()
    elements.deactivate(parameters)
    return GradientPlan(parameters: parameters.map(\.variable), kind: "full")
  }

  public func step() throws {
    try drawIfNeeded()
    let rate = currentLearningRate
    for (j, parameter) in parameters.enumerated() {
      try SGD.update(parameter, mask: elements.active[j], rate: rate, momentum: momentum, buffers: &buffers)
    }
    stepCount += 1
  }

  public func finishStep(updated: Bool) { elements.restore(parameters) }

  private func drawIfNeeded() throws {
    guard drawnStep != stepCount else { return }
    try elements.draw(stepCount, for: parameters)
    drawnStep = stepCount
  }
}
