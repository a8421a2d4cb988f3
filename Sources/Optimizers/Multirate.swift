import Autodiff
import Glibc
import NN
import TensorCore

/// Multirate training (Vlaar & Leimkuhler, "Multirate Training of Neural Networks", ICML 2022,
/// §3.1 and App. A; `papers/000_4db28fb018c3a7ba.txt`): parameter groups on different clocks.
///
/// Groups are listed slowest first, with an integer ratio between each group and the next
/// faster one. The fastest group gets a fresh gradient every step; group i only every
/// Pᵢ = Kᵢ·Kᵢ₊₁⋯K_{r−1} steps (its *period*), and between refreshes it keeps the direction of
/// its last one (its momentum buffer). With two groups, fast and slow, the ratio is the paper's k.
///
/// `learningRate` is the **per-step rate**: the fast stepsize h/k of the paper, the number
/// its captions quote ("h/k = 0.001, k = 5"), and what the reference code calls `lr`
/// (ALGORITHMS §6 D-MR-5). The schedule applies to it (and scales uncoupled step sizes alike).
///
/// - Algorithm 1 (`drift: true`, the default): at every step each group not refreshed moves
///   along its stored direction by hᵢ/Pᵢ (the *linear drift*), so over its period it moves hᵢ·pᵢ;
///   refreshed groups update their direction first and move the same way. All refreshes of a
///   step share one gradient (one full backward).
/// - Algorithm 2 (`drift: false`): a group due for refresh jumps by hᵢ·pᵢ at once and stays put
///   until its next refresh. With `.afterSlowJump` (the paper) each due group takes its
///   gradient after the jumps of the slower ones, on the same batch — `followUpPass()` asks the
///   training step for one more forward and backward per due group; with `.beforeSlowJump`
///   all gradients come from the one pass (cheaper, not the paper's order).
/// - Algorithm A3: a group's `weightDecay` ω is added to its gradient at each refresh.
/// - Uncoupled slow stepsize: a group's `stepSize` hᵢ replaces the coupled Pᵢ·learningRate.
/// - `.referenceCode` semantics reproduce the published code's loop (§1.10, D-MR-2…4): the slow
///   refresh happens on the *last* batch of each group of k and moves nothing, batch 0 sets
///   every buffer to its gradient before the first step (so it steps (1+μ)·g), and the first
///   k−1 batches train every parameter as fast.
///
/// With k = 1 (all ratios 1) Algorithm 1 is SGD with momentum, step for step.
///
/// Which groups refresh follows the clock, never the presence of a gradient: a parameter of a
/// group not due is not refreshed even if the training step differentiated it, and only drifts.
/// A parameter due for refresh that got no gradient is left alone that step, value and state,
/// as SGD leaves it.
///
/// Misuse to avoid: passing the paper's h (the per-cycle displacement) as `learningRate` —
/// every step would be k times too large.
public final class Multirate: Optimizer {
  /// Which loop the optimizer reproduces.
  public enum Semantics: Sendable, Equatable {
    /// Algorithms 1, 2 and A3 as the paper writes them: refresh at the start of each cycle,
    /// k updates per cycle.
    case paper
    /// The published reference loop: refresh at the end of each group of k batches with no
    /// update on that batch, the (1+μ)·g first step and the k−1-batch warm-up (two groups, SGD).
    case referenceCode
  }

  /// Where Algorithm 2 takes the fast gradient of a step that starts with a slow jump.
  public enum FastGradientPoint: Sendable, Equatable {
    /// After the jump, as the paper writes it: one more forward and backward on the same batch.
    case afterSlowJump
    /// Before the jump, from the same backward as the slow gradient: no extra pass.
    case beforeSlowJump
  }

  /// The groups, slowest first.
  public let groups: [MultirateGroup]
  /// Each group's refresh period in steps (the fastest group's is 1).
  public let periods: [Int]
  /// Every parameter of every group, a tensor shared by groups listed once.
  public let parameters: [OptimizedParameter]
  public let baseLearningRate: Float
  public let schedule: LearningRateSchedule
  /// Algorithm 1 (true) or Algorithm 2 (false).
  public let drift: Bool
  public let fastGradientPoint: FastGradientPoint
  public let semantics: Semantics
  public private(set) var stepCount = 0

  /// The ratio between the slowest and the fastest group: the paper's k with two groups.
  public var k: Int { periods.first ?? 1 }

  private let entries: [[OptimizedParameter]]
  // A parameter's direction (SGD: its momentum buffer; Adam: m̂ / (√v̂ + ε)) is one tensor
  // even when groups share the parameter: each group writes only the elements it owns.
  private var directions: [ObjectIdentifier: Tensor] = [:]
  private var adamMoments: [ObjectIdentifier: (first: Tensor, second: Tensor)] = [:]
  private var adamRefreshes: [GroupParameter: Int] = [:]
  private var pending: Pending?
  /// Per parameter, the elements the step under way may change (1) or must leave alone (0),
  /// beyond the groups' masks; set by `holdBack(_:of:)`, forgotten when the step is over.
  private var allowed: [ObjectIdentifier: Tensor] = [:]

  private struct GroupParameter: Hashable {
    let group: Int
    let variable: ObjectIdentifier
  }

  /// The passes of the step under way (groups refreshed by each) and the next one to apply.
  private struct Pending {
    let passes: [[Int]]
    var next = 0
  }

  /// A multirate optimizer over any number of time scales.
  ///
  /// - Parameters:
  ///   - groups: the groups, slowest first; an element may belong to one group only.
  ///   - ratios: Kᵢ between group i and group i+1 (whole numbers ≥ 1), one fewer than groups.
  ///   - learningRate: the per-step (finest) rate h_r = h / (K₁⋯K_{r−1}).
  ///   - drift: Algorithm 1 (true) or Algorithm 2 (false).
  ///   - fastGradientPoint: Algorithm 2's gradient point after a slow jump.
  ///   - semantics: the paper's loop or the reference code's (two groups only).
  ///   - schedule: applied to `learningRate` (and proportionally to uncoupled step sizes).
  ///   - model: when given, every group must consist of this model's parameters.
  /// - Throws: `ModuleError` naming the group for an empty group, an element in two groups, a
  ///   ratio below 1, a parameter not in `model`, a negative rate or decay, or options the
  ///   reference semantics do not have.
  public init(
    groups: [MultirateGroup], ratios: [Int], learningRate: Float, drift: Bool = true,
    fastGradientPoint: FastGradientPoint = .afterSlowJump, semantics: Semantics = .paper,
    schedule: LearningRateSchedule = .constant, model: Module? = nil
  ) throws {
    self.entries = try Self.checked(groups, ratios: ratios, learningRate: learningRate, model: model)
    if semantics == .referenceCode {
      try Self.checkReferenceCode(groups, ratios: ratios, drift: drift)
    }
    var periods = [1]
    for ratio in ratios.reversed() { periods.insert(ratio * periods[0], at: 0) }
    self.groups = groups
    self.periods = periods
    self.parameters = try validated(entries.flatMap { $0 })
    self.baseLearningRate = learningRate
    self.schedule = schedule
    self.drift = drift
    self.fastGradientPoint = fastGradientPoint
    self.semantics = semantics
  }

  /// Two time scales, the paper's setting: `fast` refreshed every step, `slow` every k steps.
  ///
  /// - Parameters:
  ///   - fast: the fast parameters θ_F (a head, say).
  ///   - slow: the slow parameters θ_S (the trunk).
  ///   - k: the ratio, a whole number ≥ 1 (the paper uses 5).
  ///   - learningRate: the per-step rate h/k.
  ///   - rule: both groups' base rule (SGD with momentum 0.9 by default).
  ///   - weightDecay: ω_F, and ω_S unless `slowWeightDecay` is given (Algorithm A3).
  ///   - slowWeightDecay: ω_S when it differs from ω_F.
  ///   - slowStepSize: h_S, the slow displacement per cycle, when uncoupled; nil = k·learningRate.
  ///   - drift, fastGradientPoint, semantics, schedule, model: as in `init(groups:ratios:…)`.
  /// - Throws: `ModuleError` as `init(groups:ratios:…)`, and for k < 1.
  public convenience init(
    fast: [OptimizedParameter], slow: [OptimizedParameter], k: Int, learningRate: Float, rule: MultirateRule = .sgd(),
    weightDecay: Float = 0, slowWeightDecay: Float? = nil, slowStepSize: Float? = nil, drift: Bool = true,
    fastGradientPoint: FastGradientPoint = .afterSlowJump, semantics: Semantics = .paper,
    schedule: LearningRateSchedule = .constant, model: Module? = nil
  ) throws {
    guard k >= 1 else {
      throw ModuleError(
        "k must be at least 1 but is \(k)",
        help: "k is how many fast steps the slow group waits between gradients: k = 1 is plain SGD, the paper uses 5")
    }
    try self.init(
      groups: [
        MultirateGroup("slow", slow, rule: rule, weightDecay: slowWeightDecay ?? weightDecay, stepSize: slowStepSize),
        MultirateGroup("fast", fast, rule: rule, weightDecay: weightDecay),
      ], ratios: [k], learningRate: learningRate, drift: drift, fastGradientPoint: fastGradientPoint,
      semantics: semantics, schedule: schedule, model: model)
  }

  /// A ratio given as a number (by the language, say) as the whole number the optimizer needs.
  ///
  /// - Throws: `ModuleError` naming both groups when `value` is not a whole number ≥ 1.
  public static func ratio(_ value: Double, between slower: String, and faster: String) throws -> Int {
    guard value.isFinite, value >= 1, value.rounded() == value, value <= Double(Int32.max) else {
      let shown = value.isFinite && value.rounded() == value && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
      throw ModuleError(
        "the ratio between groups '\(slower)' and '\(faster)' must be a whole number ≥ 1 but is \(shown)",
        help:
          "a slower group refreshes once every whole number of faster steps; for a free slow stepsize use 'stepSize'"
      )
    }
    return Int(value)
  }

  /// The direction a parameter moves along between refreshes: its momentum buffer in SGD
  /// groups, m̂ / (√v̂ + ε) in Adam groups (nil before its first refresh). Elements outside
  /// every group are 0.
  public func direction(of variable: Variable) -> Tensor? { directions[ObjectIdentifier(variable)] }

  /// The momentum buffer of a parameter in an SGD group (the same tensor as `direction(of:)`).
  public func momentumBuffer(of variable: Variable) -> Tensor? { direction(of: variable) }

  /// The groups refreshed at `step` (0-based), slowest first — in the reference semantics the
  /// groups whose buffers take that batch's gradient.
  public func refreshedGroups(at step: Int) -> [String] {
    Array(Set(passes(at: step).flatMap { $0 })).sorted().map { groups[$0].name }
  }

  public func prepareStep() throws -> GradientPlan {
    settle()
    let pending = Pending(passes: passes(at: stepCount))
    self.pending = pending
    return plan(pending.passes[0])
  }

  public func step() throws {
    var current = pending ?? Pending(passes: passes(at: stepCount))
    guard current.next < current.passes.count else { return }
    let pass = current.passes[current.next]
    switch semantics {
    case .paper: try paperUpdate(pass)
    case .referenceCode: try referenceUpdate(pass)
    }
    current.next += 1
    if current.next == current.passes.count {
      stepCount += 1
      pending = nil
      allowed = [:]
    } else {
      pending = current
    }
  }

  /// Leaves the elements of `variable` where `elements` is 1 alone for the rest of the step
  /// under way — no move, no change of their direction or moments — on top of the groups'
  /// masks. Alrao on multirate's clock holds back the classifier copies whose own loss was not
  /// finite, as Alrao does (D-AL-10). Forgotten when the step is over.
  ///
  /// - Throws: `ModuleError` when `elements` does not have the parameter's shape.
  public func holdBack(_ elements: Tensor, of variable: Variable) throws {
    guard elements.shape == variable.shape else {
      throw ModuleError(
        "the elements to hold back \(Tensor.describe(elements.shape)) do not match the parameter \(Tensor.describe(variable.shape))"
      )
    }
    let key = ObjectIdentifier(variable)
    let held = elements.scalars
    let before = allowed[key]?.scalars ?? [Float](repeating: 1, count: held.count)
    allowed[key] = try Tensor(shape: variable.shape, values: zip(before, held).map { $1 != 0 ? 0 : $0 })
  }

  public func followUpPass() -> GradientPlan? {
    guard let pending, pending.next > 0, pending.next < pending.passes.count else { return nil }
    return plan(pending.passes[pending.next])
  }

  public func finishStep(updated: Bool) { settle() }

  /// Ends a step cut short: if any of its passes updated, it still took its place in the cycle.
  private func settle() {
    if let pending, pending.next > 0 { stepCount += 1 }
    pending = nil
    allowed = [:]
  }
}

// MARK: - The schedule of passes

extension Multirate {
  private var fastest: Int { groups.count - 1 }

  /// The passes of step t: in each, the groups whose gradients it takes.
  private func passes(at t: Int) -> [[Int]] {
    switch semantics {
    case .referenceCode:
      let k = periods[0]
      if (t + 1) % k == 0 { return [[0]] }
      return t < k - 1 ? [[0, 1]] : [[1]]
    case .paper:
      let due = periods.indices.filter { t % periods[$0] == 0 }
      guard !drift, fastGradientPoint == .afterSlowJump else { return [due] }
      return due.filter { $0 != fastest }.map { [$0] } + [[fastest]]
    }
  }

  private func plan(_ pass: [Int]) -> GradientPlan {
    var seen = Set<ObjectIdentifier>()
    var variables: [Variable] = []
    for group in pass {
      for entry in entries[group] where seen.insert(ObjectIdentifier(entry.variable)).inserted {
        variables.append(entry.variable)
      }
    }
    let kind: String
    if pass.count == groups.count {
      kind = "full"
    } else if pass == [fastest] {
      kind = "fast"
    } else {
      kind = pass.contains(fastest) ? "refresh" : "slow"
    }
    return GradientPlan(parameters: variables, kind: kind)
  }

  /// The schedule's factor at this step, to scale uncoupled step sizes with the learning rate.
  private var scheduleFactor: Float {
    baseLearningRate > 0
      ? currentLearningRate / baseLearningRate : schedule.rate(at: stepCount, base: 1)
  }

  /// How far group g moves per step along its direction under drift: hᵢ / Pᵢ.
  private func driftRate(_ group: Int) -> Float {
    guard let stepSize = groups[group].stepSize else { return currentLearningRate }
    return stepSize * scheduleFactor / Float(periods[group])
  }

  /// How far group g jumps at a refresh without drift: hᵢ.
  private func jumpRate(_ group: Int) -> Float {
    guard let stepSize = groups[group].stepSize else { return currentLearningRate * Float(periods[group]) }
    return stepSize * scheduleFactor
  }
}

// MARK: - Updates

extension Multirate {
  private func paperUpdate(_ pass: [Int]) throws {
    for group in pass {
      let rate = drift ? driftRate(group) : jumpRate(group)
      for entry in entries[group] where entry.variable.grad != nil {
        try refresh(entry, group: group, rate: rate)
      }
    }
    guard drift else { return }
    for group in groups.indices where !pass.contains(group) {
      let rate = driftRate(group)
      for entry in entries[group] { try move(entry, rate: rate) }
    }
  }

  /// The published loop (§1.10): a slow batch refreshes the slow buffers and moves nothing; a
  /// fast batch refreshes the buffers of the groups flagged fast and moves every group.
  private func referenceUpdate(_ pass: [Int]) throws {
    let rate = currentLearningRate
    if (stepCount + 1) % periods[0] == 0 {
      for entry in entries[0] {
        guard let grad = entry.variable.grad, case .sgd(let momentum) = groups[0].rule else { continue }
        try withBuffer(of: entry) { buffer in
          grad.withUnsafeBufferPointer { g in
            entry.variable.value.withUnsafeBufferPointer { theta in
              buffer.withUnsafeMutableBufferPointer { b in
                ElementSettings(mask: entry.mask, scale: nil).withBuffers { mask, _ in
                  SGD.refreshMomentum(theta, g, b, mask: mask, momentum: momentum, decay: groups[0].weightDecay)
                }
              }
            }
          }
        }
      }
      return
    }
    if stepCount == 0 {
      // initmom(): every buffer starts as its gradient, before the first fast step adds μ·b + g.
      for group in pass {
        for entry in entries[group] {
          guard let grad = entry.variable.grad else { continue }
          try withBuffer(of: entry) { buffer in
            grad.withUnsafeBufferPointer { g in
              entry.variable.value.withUnsafeBufferPointer { theta in
                buffer.withUnsafeMutableBufferPointer { b in
                  ElementSettings(mask: entry.mask, scale: nil).withBuffers { mask, _ in
                    SGD.refreshMomentum(theta, g, b, mask: mask, momentum: 0, decay: 0)
                  }
                }
              }
            }
          }
        }
      }
    }
    for group in groups.indices {
      for entry in entries[group] {
        if pass.contains(group), entry.variable.grad != nil {
          try refresh(entry, group: group, rate: rate)
        } else {
          try move(entry, rate: rate)
        }
      }
    }
  }

  /// Lends the parameter's direction tensor (zeros at first) and stores it back.
  private func withBuffer(of entry: OptimizedParameter, _ body: (inout Tensor) throws -> Void) throws {
    let key = ObjectIdentifier(entry.variable)
    var buffer = try directions.removeValue(forKey: key) ?? Tensor.zeros(entry.variable.shape)
    defer { directions[key] = buffer }
    try body(&buffer)
  }

  /// A fresh gradient for the owned elements: the group's rule updates the direction, then the
  /// elements move by `rate` along it.
  private func refresh(_ entry: OptimizedParameter, group: Int, rate: Float) throws {
    guard let grad = entry.variable.grad else { return }
    let elements = ElementSettings(mask: try ownedNow(entry), scale: entry.rateScale)
    let decay = groups[group].weightDecay
    switch groups[group].rule {
    case .sgd(let momentum):
      try withBuffer(of: entry) { buffer in
        grad.withUnsafeBufferPointer { g in
          entry.variable.value.withUnsafeMutableBufferPointer { theta in
            buffer.withUnsafeMutableBufferPointer { b in
              elements.withBuffers { mask, scale in
                // p starts at 0, so μ·p + d is d at the first refresh, as SGD's first step.
                SGD.momentumStep(
                  theta, g, b, mask: mask, scale: scale, rate: rate, momentum: momentum, gradientWeight: 1,
                  bufferWeight: momentum, decay: decay, nesterov: false)
              }
            }
          }
        }
      }
    case .adam(let beta1, let beta2, let epsilon):
      let key = ObjectIdentifier(entry.variable)
      let count = (adamRefreshes[GroupParameter(group: group, variable: key)] ?? 0) + 1
      adamRefreshes[GroupParameter(group: group, variable: key)] = count
      let settings = Adam.Settings(
        beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay, decoupledWeightDecay: false,
        firstCorrection: 1 - powf(beta1, Float(count)), secondCorrection: (1 - powf(beta2, Float(count))).squareRoot())
      var moments =
        try adamMoments.removeValue(forKey: key)
        ?? (Tensor.zeros(entry.variable.shape), Tensor.zeros(entry.variable.shape))
      defer { adamMoments[key] = moments }
      try withBuffer(of: entry) { direction in
        grad.withUnsafeBufferPointer { g in
          entry.variable.value.withUnsafeMutableBufferPointer { theta in
            moments.first.withUnsafeMutableBufferPointer { m in
              moments.second.withUnsafeMutableBufferPointer { v in
                direction.withUnsafeMutableBufferPointer { d in
                  elements.withBuffers { mask, scale in
                    Adam.update(theta, g, m, v, direction: d, mask: mask, scale: scale, rate: rate, settings)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The elements of `entry` this step may change: its group's mask, less what is held back.
  private func ownedNow(_ entry: OptimizedParameter) throws -> Tensor? {
    guard let allowed = allowed[ObjectIdentifier(entry.variable)] else { return entry.mask }
    guard let mask = entry.mask else { return allowed }
    return try Tensor(shape: mask.shape, values: zip(mask.scalars, allowed.scalars).map { $0 * $1 })
  }

  /// Linear drift: the owned elements move by `rate` along the stored direction (none yet: no move).
  private func move(_ entry: OptimizedParameter, rate: Float) throws {
    guard let direction = directions[ObjectIdentifier(entry.variable)] else { return }
    let owned = try ownedNow(entry)
    direction.withUnsafeBufferPointer { d in
      entry.variable.value.withUnsafeMutableBufferPointer { theta in
        ElementSettings(mask: owned, scale: entry.rateScale).withBuffers { mask, scale in
          SGD.drift(theta, along: d, mask: mask, scale: scale, rate: rate)
        }
      }
    }
  }
}
