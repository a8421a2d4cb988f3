import Autodiff
import NN
import TensorCore

/// Composite-network averaging (Vlaar & Leimkuhler 2022, App. C.1, the patch experiment;
/// ALGORITHMS §1.9, a reconstruction — no code was published): two copies of a network, one
/// trained with a small fast rate at every step, the other with a large slow rate once per cycle
/// of k steps; at the end of each cycle both copies are replaced by their weighted average.
///
/// It is an `Optimizer` over both copies, so the training step drives it like any other: the
/// model is the composite of the two copies and the loss is the sum of the copies' losses on the
/// same batch (their parameters are disjoint, so each copy gets the gradient of its own loss).
/// `prepareStep()` asks for the slow copy's gradient only at the first step of a cycle (kind
/// "both copies"); at the other steps only the fast copy is differentiated ("fast copy"). The
/// kinds are not multirate's "full" and "fast": a step of both copies is not a full step of one
/// network, and a speed-up over it would mean nothing. `finishStep`
/// merges after the k-th step of a cycle (also when that step stopped early: the cycle is over).
///
/// Each copy keeps its own SGD state (buffers are not averaged). The schedule applies to the fast
/// copy's rate; the slow copy steps with `slowLearningRate` throughout.
public final class CompositeAveraging: Optimizer {
  public let fastCopy: [OptimizedParameter]
  public let slowCopy: [OptimizedParameter]
  public let k: Int
  /// The fast copy's share in the merge (½ by default): θ = w·θ_fast + (1 − w)·θ_slow.
  public let fastWeight: Float
  public private(set) var stepCount = 0
  private let fast: SGD
  private let slow: SGD
  private var mergeDue = false

  public var parameters: [OptimizedParameter] { fastCopy + slowCopy }
  public var baseLearningRate: Float { fast.baseLearningRate }
  public var schedule: LearningRateSchedule { fast.schedule }
  public var slowLearningRate: Float { slow.baseLearningRate }

  /// - Parameters:
  ///   - fast: the fast copy's parameters.
  ///   - slow: the slow copy's parameters, in the same order and shapes.
  ///   - k: steps per cycle, a whole number ≥ 1 (the paper: 25 = h_S / h_F).
  ///   - learningRate: h_F, the fast copy's rate (the paper: 0.004).
  ///   - slowLearningRate: h_S, the slow copy's rate (the paper: 0.1).
  ///   - momentum, weightDecay: both copies' SGD settings (0 by default).
  ///   - fastWeight: the fast copy's share in the merge.
  ///   - schedule: applied to the fast rate.
  /// - Throws: `ModuleError` when the copies do not match, for k < 1 or a weight outside [0, 1].
  public init(
    fast: [OptimizedParameter], slow: [OptimizedParameter], k: Int, learningRate: Float, slowLearningRate: Float,
    momentum: Float = 0, weightDecay: Float = 0, fastWeight: Float = 0.5, schedule: LearningRateSchedule = .constant
  ) throws {
    guard k >= 1 else { throw ModuleError("k must be at least 1 but is \(k)", help: "the paper uses k = 25") }
    guard (0...1).contains(fastWeight) else {
      throw ModuleError("the fast copy's weight in the merge must be in [0, 1] but is \(fastWeight)")
    }
    guard fast.count == slow.count else {
      throw ModuleError("the fast copy has \(fast.count) parameters but the slow copy \(slow.count)")
    }
    for (a, b) in zip(fast, slow) where a.variable.shape != b.variable.shape || a.variable === b.variable {
      throw ModuleError(
        a.variable === b.variable
          ? "\(a.origin) is in both copies; each copy needs its own parameters"
          : "\(a.origin) has shape \(Tensor.describe(a.variable.shape)) in the fast copy but \(b.origin) has \(Tensor.describe(b.variable.shape)) in the slow copy",
        help: "make the slow copy with 'copy()' of the fast one")
    }
    self.fast = try SGD(
      fast, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, schedule: schedule)
    self.slow = try SGD(slow, learningRate: slowLearningRate, momentum: momentum, weightDecay: weightDecay)
    self.fastCopy = fast
    self.slowCopy = slow
    self.k = k
    self.fastWeight = fastWeight
  }

  private var slowDue: Bool { stepCount % k == 0 }

  public func prepareStep() throws -> GradientPlan {
    let copies = slowDue ? fastCopy + slowCopy : fastCopy
    return GradientPlan(parameters: copies.map(\.variable), kind: slowDue ? "both copies" : "fast copy")
  }

  public func step() throws {
    try fast.step()
    if slowDue { try slow.step() }
    stepCount += 1
    mergeDue = stepCount % k == 0
  }

  /// Merges the copies after the last step of a cycle.
  public func finishStep(updated: Bool) {
    guard mergeDue else { return }
    mergeDue = false
    let weight = fastWeight
    for (a, b) in zip(fastCopy, slowCopy) {
      var fastValue = a.variable.value
      var slowValue = b.variable.value
      fastValue.withUnsafeMutableBufferPointer { f in
        slowValue.withUnsafeMutableBufferPointer { s in
          ElementSettings(mask: a.mask, scale: nil).withBuffers { mask, _ in
            for i in f.indices where mask?[i] ?? 1 != 0 {
              let merged = weight * f[i] + (1 - weight) * s[i]
              f[i] = merged
              s[i] = merged
            }
          }
        }
      }
      a.variable.value = fastValue
      b.variable.value = slowValue
    }
  }
}
