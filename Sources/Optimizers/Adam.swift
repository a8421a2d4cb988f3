import Autodiff
import Glibc
import NN
import TensorCore

/// Adam, and AdamW when `decoupledWeightDecay` (PyTorch's semantics for both):
///
///     Adam:  g = g + weightDecay·θ;   AdamW: θ = θ − lr·weightDecay·θ
///     m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
///     θ = θ − lr·scale ⊙ (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
///
/// Only the elements a parameter's mask owns change — value and both moments alike.
public final class Adam: Optimizer {
  public let parameters: [OptimizedParameter]
  public let baseLearningRate: Float
  public let schedule: LearningRateSchedule
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float
  public let decoupledWeightDecay: Bool
  public private(set) var stepCount = 0
  private var moments: [ObjectIdentifier: (first: Tensor, second: Tensor, steps: Int)] = [:]

  public init(
    _ parameters: [OptimizedParameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false,
    schedule: LearningRateSchedule = .constant
  ) throws {
    guard learningRate >= 0, (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon >= 0, weightDecay >= 0 else {
      throw ModuleError("Adam needs lr ≥ 0, betas in [0, 1), ε ≥ 0 and weight decay ≥ 0")
    }
    self.parameters = try validated(parameters)
    self.baseLearningRate = learningRate
    self.schedule = schedule
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupledWeightDecay = decoupledWeightDecay
  }

  /// AdamW (decoupled weight decay, PyTorch's default decay 0.01).
  public static func adamW(
    _ parameters: [OptimizedParameter], learningRate: Float = 1e-3, weightDecay: Float = 0.01,
    schedule: LearningRateSchedule = .constant
  ) throws -> Adam {
    try Adam(
      parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true, schedule: schedule)
  }

  /// The first and second moments of a parameter (nil before its first step).
  public func moments(of variable: Variable) -> (first: Tensor, second: Tensor)? {
    moments[ObjectIdentifier(variable)].map { ($0.first, $0.second) }
  }

  /// Only this optimizer's parameters are differentiated: over a selection (the head alone),
  /// the rest of the model runs forward without recording and backward stops where the
  /// selection begins.
  public func prepareStep() throws -> GradientPlan {
    GradientPlan(parameters: parameters.map(\.variable), kind: "full")
  }

  public func step() throws {
    let rate = currentLearningRate
    stepCount += 1
    for parameter in parameters {
      guard let grad = parameter.variable.grad else { continue }
      let key = ObjectIdentifier(parameter.variable)
      var state = try moments.removeValue(forKey: key) ?? (Tensor.zeros(grad.shape), Tensor.zeros(grad.shape), 0)
      state.steps += 1
      let t = Float(state.steps)
      let firstCorrection = 1 - powf(beta1, t)
      let secondCorrection = (1 - powf(beta2, t)).squareRoot()
      let elements = ElementSettings(mask: parameter.mask, scale: parameter.rateScale)
      let settings = Self.Settings(
        beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
        decoupledWeightDecay: decoupledWeightDecay, firstCorrection: firstCorrection,
        secondCorrection: secondCorrection)
      grad.withUnsafeBufferPointer { g in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          state.first.withUnsafeMutableBufferPointer { m in
            state.second.withUnsafeMutableBufferPointer { v in
              elements.withBuffers { mask, scale in
                Self.update(theta, g, m, v, direction: nil, mask: mask, scale: scale, rate: rate, settings)
              }
            }
          }
        }
      }
      moments[key] = state
    }
  }
}

extension Adam {
  /// The constants of one Adam update: the betas, ε, the decay and the bias corrections
  /// 1 − β1ᵗ and √(1 − β2ᵗ) for the parameter's step t.
  struct Settings {
    let beta1: Float
    let beta2: Float
    let epsilon: Float
    let weightDecay: Float
    let decoupledWeightDecay: Bool
    let firstCorrection: Float
    let secondCorrection: Float
  }

  /// One Adam update of the owned elements, written once for `Adam` and for multirate groups
  /// with an Adam base rule; `direction`, when given, receives the step direction
  /// m̂ / (√v̂ + ε) so that a slow group can keep drifting along it between refreshes.
  static func update(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>,
    _ v: UnsafeMutableBufferPointer<Float>, direction: UnsafeMutableBufferPointer<Float>?,
    mask: UnsafeBufferPointer<Float>?, scale: UnsafeBufferPointer<Float>?, rate: Float, _ settings: Settings
  ) {
    let (b1, b2, eps, decay, decoupled) = (
      settings.beta1, settings.beta2, settings.epsilon, settings.weightDecay, settings.decoupledWeightDecay
    )
    let (firstCorrection, secondCorrection) = (settings.firstCorrection, settings.secondCorrection)
    for i in theta.indices where mask?[i] ?? 1 != 0 {
      let elementRate = rate * (scale?[i] ?? 1)
      var gradient = g[i]
      if decoupled { theta[i] -= elementRate * decay * theta[i] } else { gradient += decay * theta[i] }
      m[i] = b1 * m[i] + (1 - b1) * gradient
      v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
      theta[i] -= elementRate * (m[i] / firstCorrection) / (v[i].squareRoot() / secondCorrection + eps)
      direction?[i] = (m[i] / firstCorrection) / (v[i].squareRoot() / secondCorrection + eps)
    }
  }
}
