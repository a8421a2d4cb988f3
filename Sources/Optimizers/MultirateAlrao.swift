import Autodiff
import NN
import TensorCore

/// Alrao on multirate's clock — beyond both papers: Alrao's random per-feature rates
/// (Blier, Wolinski & Ollivier 2019) with multirate's two time scales on top (Vlaar &
/// Leimkuhler 2022, Algorithm 1).
///
/// - The **slow group** (the trunk, or the part of it the partition makes slow) keeps Alrao's
///   per-feature rates as element-wise rate scales: feature i gets a fresh gradient on the first
///   step of each cycle of k, and at every step moves by ηᵢ along its last momentum (its last
///   gradient without momentum) — k·ηᵢ per cycle, as multirate couples the slow step to the
///   fast one. Between refreshes it is not differentiated: the trunk runs forward without
///   recording and the backward stops at the fast group.
/// - The **fast group** holds the Alrao head — the N classifier copies, each at its own rate
///   ηⱼ — and any trunk parameters the partition makes fast (at their per-feature rates),
///   updated every step.
/// - The **switch** is updated after every step. It needs only the copies' log-likelihoods of
///   the batch, which the head computes from its input in every forward, fast steps included;
///   a copy's own gradient needs the trunk's output as a constant, which a fast step gives too.
///   The mixture's gradient into the trunk is formed only on the full steps, where the trunk is
///   differentiated.
///
/// The clock, drift and momentum are the `Multirate` optimizer's; the head's per-step duties
/// (skip a copy whose loss was not finite, the switch update, the hard catch-up) are Alrao's.
/// With k = 1 it is Alrao step for step; with one copy and ηmin = ηmax = η it is
/// `Multirate` with SGD at the per-step rate η.
///
/// The base learning rate is 1, as in `Alrao`: a rate scale is the rate itself, and a schedule
/// divides all rates by one factor.
public final class MultirateAlrao: Optimizer {
  /// The two clocks over the trunk's features and the head's copies.
  public let clock: Multirate
  public let head: AlraoHead
  /// Hard catch-up every this many steps (at steps ≡ 0 mod period, the first included); nil: never.
  public let catchUpPeriod: Int?
  public let catchUpThreshold: Double
  /// The trunk's rate tensors, by parameter (what was sampled), slow and fast alike.
  public let featureRates: [(variable: Variable, rates: Tensor)]
  private let headVariables: [Variable]

  /// Alrao's trunk split into a slow and a fast part, each parameter with its per-feature rates
  /// as `rateScale` (and a mask when it is split), the head's copies added to the fast group at
  /// their rates.
  ///
  /// - Parameters:
  ///   - slow: the trunk's slow parameters.
  ///   - fast: trunk parameters updated every step besides the head (often none).
  ///   - head: the Alrao head; its copies are always fast.
  ///   - k: steps per cycle (1: Alrao).
  ///   - momentum: heavy-ball μ for both groups (Alrao's paper: 0).
  ///   - weightDecay: L2 decay added to the gradient at each refresh.
  /// - Throws: `ModuleError` for k < 1, a head parameter listed in `slow` or `fast`, and what
  ///   `Multirate` refuses (an empty slow group, an element in both groups).
  public init(
    slow: [OptimizedParameter], fast: [OptimizedParameter] = [], head: AlraoHead, k: Int, momentum: Float = 0,
    weightDecay: Float = 0, schedule: LearningRateSchedule = .constant, catchUpPeriod: Int? = nil,
    catchUpThreshold: Double = -20, model: Module? = nil
  ) throws {
    guard k >= 1 else {
      throw ModuleError(
        "k must be at least 1 but is \(k)", help: "k = 1 is Alrao itself; multirate's paper uses 5")
    }
    if let catchUpPeriod, catchUpPeriod < 1 {
      throw ModuleError("the catch-up period must be at least 1 step, not \(catchUpPeriod)")
    }
    let headIdentities = Set(head.ownParameters.map { ObjectIdentifier($0.variable) })
    if let misplaced = (slow + fast).first(where: { headIdentities.contains(ObjectIdentifier($0.variable)) }) {
      throw ModuleError(
        "the Alrao head's copies are the fast group of Alrao on multirate's clock, but \(misplaced.origin) was given as a trunk parameter",
        help: "leave the head out of slow:, or make it fast with fast: net.head")
    }
    var copies: [OptimizedParameter] = []
    let rates = head.classifierRates
    for (name, variable) in head.ownParameters {
      let size = variable.value.count / head.copies
      let scale = try Tensor(shape: variable.shape, values: rates.flatMap { repeatElement($0, count: size) })
      copies.append(OptimizedParameter(variable, rateScale: scale, origin: "the Alrao head's '\(name)'"))
    }
    clock = try Multirate(
      fast: fast + copies, slow: slow, k: k, learningRate: 1, rule: .sgd(momentum: momentum),
      weightDecay: weightDecay, schedule: schedule, model: model)
    self.head = head
    self.headVariables = head.ownParameters.map(\.variable)
    self.catchUpPeriod = catchUpPeriod
    self.catchUpThreshold = catchUpThreshold
    var seen = Set<ObjectIdentifier>()
    featureRates = (slow + fast).compactMap { parameter in
      guard let rates = parameter.rateScale, seen.insert(ObjectIdentifier(parameter.variable)).inserted else {
        return nil
      }
      return (parameter.variable, rates)
    }
  }

  /// Over a model whose head is an `AlraoHead`: the trunk's rates drawn by `featureRates`, the
  /// parameters `slow` selects on the slow clock (the head may not be among them), the rest of
  /// the trunk and the head on the fast one.
  public convenience init(
    model: Module, featureRates sampler: AlraoFeatureRates, slow selection: ParameterSelection, k: Int,
    momentum: Float = 0, weightDecay: Float = 0, schedule: LearningRateSchedule = .constant,
    catchUpPeriod: Int? = nil, catchUpThreshold: Double = -20
  ) throws {
    guard let head = model.alraoHead, let headPath = model.headPath else {
      throw ModuleError(
        "Alrao on multirate's clock needs a model whose head is an Alrao head",
        help: "replace the head first: model.replacingHeadWithAlrao(copies:rates:likelihood:theta:generator:)")
    }
    var slowMasks: [ObjectIdentifier: Tensor?] = [:]
    let headIdentities = Set(head.ownParameters.map { ObjectIdentifier($0.variable) })
    for chosen in try selection.resolve(in: model) {
      if headIdentities.contains(ObjectIdentifier(chosen.variable)) {
        throw ModuleError(
          "the Alrao head's copies are the fast group of Alrao on multirate's clock, but the slow selection \(selection) takes '\(chosen.path)'",
          help: "make the head fast with fast: net.head, or leave it out of slow:")
      }
      slowMasks[ObjectIdentifier(chosen.variable)] = chosen.mask
    }
    var slow: [OptimizedParameter] = []
    var fast: [OptimizedParameter] = []
    for (path, variable, rates) in try sampler.rates(for: model, excluding: headPath) {
      let origin = "'\(path)'"
      guard let found = slowMasks[ObjectIdentifier(variable)] else {
        fast.append(OptimizedParameter(variable, rateScale: rates, origin: origin))
        continue
      }
      slow.append(OptimizedParameter(variable, mask: found, rateScale: rates, origin: origin))
      if let mask = found {
        let rest = try Tensor(shape: mask.shape, values: mask.scalars.map { 1 - $0 })
        if rest.scalars.contains(1) {
          fast.append(OptimizedParameter(variable, mask: rest, rateScale: rates, origin: origin))
        }
      }
    }
    try self.init(
      slow: slow, fast: fast, head: head, k: k, momentum: momentum, weightDecay: weightDecay, schedule: schedule,
      catchUpPeriod: catchUpPeriod, catchUpThreshold: catchUpThreshold, model: model)
  }

  public var k: Int { clock.k }
  public var parameters: [OptimizedParameter] { clock.parameters }
  public var baseLearningRate: Float { clock.baseLearningRate }
  public var schedule: LearningRateSchedule { clock.schedule }
  public var stepCount: Int { clock.stepCount }

  public func prepareStep() throws -> GradientPlan { try clock.prepareStep() }

  /// The clock's update, holding back the copies whose own loss was not finite this step.
  public func step() throws {
    let skipped = head.skippedCopies
    if !skipped.isEmpty {
      for variable in headVariables {
        let size = variable.value.count / head.copies
        let held = (0..<head.copies).flatMap { repeatElement(skipped.contains($0) ? Float(1) : 0, count: size) }
        try clock.holdBack(try Tensor(shape: variable.shape, values: held), of: variable)
      }
    }
    try clock.step()
  }

  public func followUpPass() -> GradientPlan? { clock.followUpPass() }

  /// The clock's end of step, then Alrao's: the switch update from the step's pre-update
  /// outputs and, when due, the hard catch-up; after a step that stopped early, the stored
  /// outputs are dropped.
  public func finishStep(updated: Bool) {
    clock.finishStep(updated: updated)
    defer { head.discardPending() }
    guard updated else { return }
    // A NaN log-likelihood was refused when the loss was computed; nothing here can fail.
    try? head.commitSwitch()
    if let catchUpPeriod, (stepCount - 1) % catchUpPeriod == 0 { head.catchUp(threshold: catchUpThreshold) }
  }

  /// The direction a parameter moves along between refreshes (its momentum buffer).
  public func momentumBuffer(of variable: Variable) -> Tensor? { clock.direction(of: variable) }
}
