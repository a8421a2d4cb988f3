import Autodiff
import Glibc
import NN
import TensorCore

/// Alrao (Blier, Wolinski & Ollivier 2019, "Learning with Random Learning Rates"): the
/// pre-classifier trained with a random learning rate per feature, the model's head replaced
/// by an `AlraoHead` of N copies with rates spread over the same interval, their predictions
/// combined by the switch posterior.
///
/// The rates live in the parameters' rate scales (`OptimizedParameter.rateScale`): the trunk's
/// are the per-feature rates (`AlraoFeatureRates`), the head's weight and bias are constant per
/// copy (copy j's η_j). The base learning rate is 1, so a scale is the rate itself and a
/// schedule divides all of Alrao's rates by one time-dependent factor (the paper's suggested
/// extension, §4).
///
/// One step (ALGORITHMS §2.4, the reference code's order): forward (the head keeps the copies'
/// outputs), Alrao's objective and its one backward (`AlraoHead.trainingLoss`: the mixture's
/// gradient into the trunk, each copy's own into that copy), this `step()` (trunk element-wise,
/// each copy with its rate, a copy whose own loss was not finite skipped), then in
/// `finishStep(updated: true)` the switch update from the pre-update outputs and, when due, the
/// hard catch-up.
public final class Alrao: Optimizer {
  /// The update rule, for the trunk and (with the standard momentum) for the copies.
  public enum Base: Sendable, Equatable {
    /// SGD; `momentum` 0 is the paper's plain SGD. With momentum the trunk follows `rule`, the
    /// copies the standard rule (as in the reference code).
    case sgd(momentum: Float, rule: MomentumRule, weightDecay: Float)
    /// Adam with ε added to √v (the convention of the reference code's time, §2.3).
    case adam(beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float)
  }

  /// How the trunk's momentum buffer is updated (D-AL-4).
  public enum MomentumRule: String, Sendable, CaseIterable {
    /// buf := μ·buf + d (PyTorch).
    case standard
    /// buf := buf·(1 − μ·clamp(√η, 0, 1/μ)) + d, friction proportional to √η (the reference code).
    case sqrtRate
  }

  public let parameters: [OptimizedParameter]
  public let baseLearningRate: Float = 1
  public let schedule: LearningRateSchedule
  public let base: Base
  public let head: AlraoHead
  /// Hard catch-up every this many steps (at steps ≡ 0 mod period, the first included); nil: never.
  public let catchUpPeriod: Int?
  public let catchUpThreshold: Double
  public private(set) var stepCount = 0
  /// The head's parameters (the copies), updated with the standard rule.
  private let headVariables: Set<ObjectIdentifier>
  private var buffers: [ObjectIdentifier: Tensor] = [:]
  private var moments: [ObjectIdentifier: (first: Tensor, second: Tensor, steps: Int)] = [:]

  /// Alrao over a model whose head is an `AlraoHead` (`Module.replacingHeadWithAlrao`), the
  /// trunk's rates drawn by `featureRates`.
  public convenience init(
    model: Module, featureRates: AlraoFeatureRates, base: Base = .sgd(momentum: 0, rule: .standard, weightDecay: 0),
    schedule: LearningRateSchedule = .constant, catchUpPeriod: Int? = nil, catchUpThreshold: Double = -20
  ) throws {
    guard let head = model.alraoHead, let headPath = model.headPath else {
      throw ModuleError(
        "Alrao needs a model whose head is an Alrao head",
        help: "replace the head first: model.replacingHeadWithAlrao(copies:rates:likelihood:theta:generator:)")
    }
    let trunk = try featureRates.rates(for: model, excluding: headPath).map {
      OptimizedParameter($0.variable, rateScale: $0.rates, origin: "'\($0.path)'")
    }
    try self.init(
      trunk: trunk, head: head, base: base, schedule: schedule, catchUpPeriod: catchUpPeriod,
      catchUpThreshold: catchUpThreshold)
  }

  /// Alrao with the trunk's parameters and their rates given (`rateScale` is each element's
  /// rate) and the head's copies trained at the head's `classifierRates`.
  public init(
    trunk: [OptimizedParameter], head: AlraoHead, base: Base = .sgd(momentum: 0, rule: .standard, weightDecay: 0),
    schedule: LearningRateSchedule = .constant, catchUpPeriod: Int? = nil, catchUpThreshold: Double = -20
  ) throws {
    if let catchUpPeriod, catchUpPeriod < 1 {
      throw ModuleError("the catch-up period must be at least 1 step, not \(catchUpPeriod)")
    }
    var parameters = trunk
    let rates = head.classifierRates
    for (name, variable) in head.ownParameters {
      let size = variable.value.count / head.copies
      let scale = try Tensor(shape: variable.shape, values: rates.flatMap { repeatElement($0, count: size) })
      parameters.append(OptimizedParameter(variable, rateScale: scale, origin: "the Alrao head's '\(name)'"))
    }
    self.parameters = try validated(parameters)
    self.head = head
    self.headVariables = Set(head.ownParameters.map { ObjectIdentifier($0.variable) })
    self.base = base
    self.schedule = schedule
    self.catchUpPeriod = catchUpPeriod
    self.catchUpThreshold = catchUpThreshold
  }

  /// The trunk's rate tensors, by parameter (what was sampled).
  public var featureRates: [(variable: Variable, rates: Tensor)] {
    parameters.filter { !headVariables.contains(ObjectIdentifier($0.variable)) }.compactMap { parameter in
      parameter.rateScale.map { (parameter.variable, $0) }
    }
  }

  public func momentumBuffer(of variable: Variable) -> Tensor? { buffers[ObjectIdentifier(variable)] }

  public func prepareStep() throws -> GradientPlan {
    GradientPlan(parameters: parameters.map(\.variable), kind: "full")
  }

  public func step() throws {
    let rate = currentLearningRate
    stepCount += 1
    for parameter in parameters {
      guard let grad = parameter.variable.grad else { continue }
      let isCopy = headVariables.contains(ObjectIdentifier(parameter.variable))
      let mask = isCopy && !head.skippedCopies.isEmpty ? try skipMask(parameter.variable) : nil
      try update(parameter, grad: grad, mask: mask, rate: rate, standardMomentum: isCopy)
    }
  }

  /// The switch update from the step's pre-update outputs, then the hard catch-up when due;
  /// after a step that stopped early, the stored outputs are dropped.
  public func finishStep(updated: Bool) {
    defer { head.discardPending() }
    guard updated else { return }
    // A NaN log-likelihood was refused when the loss was computed; nothing here can fail.
    try? head.commitSwitch()
    if let catchUpPeriod, (stepCount - 1) % catchUpPeriod == 0 { head.catchUp(threshold: catchUpThreshold) }
  }

  /// 1 for the elements of copies that are updated, 0 for the skipped copies.
  private func skipMask(_ variable: Variable) throws -> Tensor {
    let size = variable.value.count / head.copies
    return try Tensor(
      shape: variable.shape,
      values: (0..<head.copies).flatMap { repeatElement(head.skippedCopies.contains($0) ? Float(0) : 1, count: size) })
  }

  private func update(
    _ parameter: OptimizedParameter, grad: Tensor, mask: Tensor?, rate: Float, standardMomentum: Bool
  ) throws {
    let key = ObjectIdentifier(parameter.variable)
    let elements = ElementSettings(mask: mask, scale: parameter.rateScale)
    switch base {
    case .sgd(let momentum, let rule, let decay):
      guard momentum != 0 else {
        grad.withUnsafeBufferPointer { g in
          parameter.variable.value.withUnsafeMutableBufferPointer { theta in
            elements.withBuffers { mask, scale in
              SGD.plainStep(theta, g, mask: mask, scale: scale, rate: rate, decay: decay)
            }
          }
        }
        return
      }
      let stored = buffers.removeValue(forKey: key)
      let isFirst = stored == nil
      var buffer = try stored ?? Tensor.zeros(grad.shape)
      grad.withUnsafeBufferPointer { g in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          buffer.withUnsafeMutableBufferPointer { b in
            elements.withBuffers { mask, scale in
              if standardMomentum || rule == .standard {
                SGD.momentumStep(
                  theta, g, b, mask: mask, scale: scale, rate: rate, momentum: momentum, gradientWeight: 1,
                  bufferWeight: isFirst ? 0 : momentum, decay: decay, nesterov: false)
              } else {
                Self.sqrtRateMomentumStep(
                  theta, g, b, mask: mask, scale: scale, rate: rate, momentum: momentum, isFirst: isFirst, decay: decay)
              }
            }
          }
        }
      }
      buffers[key] = buffer
    case .adam(let beta1, let beta2, let epsilon, let decay):
      var state = try moments.removeValue(forKey: key) ?? (Tensor.zeros(grad.shape), Tensor.zeros(grad.shape), 0)
      state.steps += 1
      let t = Float(state.steps)
      let stepFactor = (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
      grad.withUnsafeBufferPointer { g in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          state.first.withUnsafeMutableBufferPointer { m in
            state.second.withUnsafeMutableBufferPointer { v in
              elements.withBuffers { mask, scale in
                for i in theta.indices where mask?[i] ?? 1 != 0 {
                  let gradient = g[i] + decay * theta[i]
                  m[i] = beta1 * m[i] + (1 - beta1) * gradient
                  v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient
                  theta[i] -= rate * (scale?[i] ?? 1) * stepFactor * m[i] / (v[i].squareRoot() + epsilon)
                }
              }
            }
          }
        }
      }
      moments[key] = state
    }
  }

  /// The reference code's momentum for the pre-classifier: buf := d on the first step, then
  /// buf := buf·(1 − μ·clamp(√η, 0, 1/μ)) + d with η the element's rate; θ −= η·buf.
  static func sqrtRateMomentumStep(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?, scale: UnsafeBufferPointer<Float>?, rate: Float, momentum: Float,
    isFirst: Bool, decay: Float
  ) {
    for i in theta.indices where mask?[i] ?? 1 != 0 {
      let elementRate = rate * (scale?[i] ?? 1)
      let d = g[i] + decay * theta[i]
      if isFirst {
        b[i] = d
      } else {
        let friction = momentum * Swift.min(Swift.max(elementRate.squareRoot(), 0), 1 / momentum)
        b[i] = b[i] * (1 - friction) + d
      }
      theta[i] -= elementRate * b[i]
    }
  }
}
