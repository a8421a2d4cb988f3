import Autodiff
import NN
import TensorCore

/// Stochastic gradient descent with PyTorch's semantics:
///
///     d = g + weightDecay·θ
///     b = d on the first step, else momentum·b + (1 − dampening)·d
///     d = d + momentum·b (Nesterov) or b (heavy ball)
///     θ = θ − lr·scale ⊙ d
///
/// Only the elements a parameter's mask owns change — value and momentum buffer alike.
public final class SGD: Optimizer {
  public let parameters: [OptimizedParameter]
  public let baseLearningRate: Float
  public let schedule: LearningRateSchedule
  public let momentum: Float
  public let dampening: Float
  public let nesterov: Bool
  public let weightDecay: Float
  public private(set) var stepCount = 0
  private var buffers: [ObjectIdentifier: Tensor] = [:]

  public init(
    _ parameters: [OptimizedParameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
    nesterov: Bool = false, weightDecay: Float = 0, schedule: LearningRateSchedule = .constant
  ) throws {
    guard learningRate >= 0, momentum >= 0, weightDecay >= 0 else {
      throw ModuleError("SGD needs a non-negative learning rate, momentum and weight decay")
    }
    guard !nesterov || (momentum > 0 && dampening == 0) else {
      throw ModuleError("Nesterov momentum needs momentum > 0 and dampening 0 (as in PyTorch)")
    }
    self.parameters = try validated(parameters)
    self.baseLearningRate = learningRate
    self.schedule = schedule
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  /// The momentum buffer of a parameter (nil before its first step or without momentum).
  public func momentumBuffer(of variable: Variable) -> Tensor? { buffers[ObjectIdentifier(variable)] }

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
      let elements = ElementSettings(mask: parameter.mask, scale: parameter.rateScale)
      guard momentum != 0 else {
        grad.withUnsafeBufferPointer { g in
          parameter.variable.value.withUnsafeMutableBufferPointer { theta in
            elements.withBuffers { mask, scale in
              Self.plainStep(theta, g, mask: mask, scale: scale, rate: rate, decay: weightDecay)
            }
          }
        }
        continue
      }
      let key = ObjectIdentifier(parameter.variable)
      let stored = buffers.removeValue(forKey: key)
      let isFirst = stored == nil
      var buffer = try stored ?? Tensor.zeros(grad.shape)
      grad.withUnsafeBufferPointer { g in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          buffer.withUnsafeMutableBufferPointer { b in
            elements.withBuffers { mask, scale in
              Self.momentumStep(
                theta, g, b, mask: mask, scale: scale, rate: rate, momentum: momentum,
                gradientWeight: isFirst ? 1 : 1 - dampening, bufferWeight: isFirst ? 0 : momentum,
                decay: weightDecay, nesterov: nesterov)
            }
          }
        }
      }
      buffers[key] = buffer
    }
  }
}

extension SGD {
  // The update loops are written once per case with no optional or branch inside the common
  // unmasked case, so they vectorise: a small model's step is mostly these loops. A masked
  // parameter takes the general loop, which skips the elements it does not own.

  static func plainStep(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>?,
    scale: UnsafeBufferPointer<Float>?, rate: Float, decay: Float
  ) {
    if let mask {
      for i in theta.indices where mask[i] != 0 {
        theta[i] -= rate * (scale?[i] ?? 1) * (g[i] + decay * theta[i])
      }
    } else if let scale {
      for i in theta.indices { theta[i] -= rate * scale[i] * (g[i] + decay * theta[i]) }
    } else {
      for i in theta.indices { theta[i] -= rate * (g[i] + decay * theta[i]) }
    }
  }

  /// b = bufferWeight·b + gradientWeight·d, then θ −= lr·scale·(d + μ·b or b), with
  /// d = g + decay·θ. On the first step bufferWeight is 0 and gradientWeight 1 (b = d).
  static func momentumStep(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?, scale: UnsafeBufferPointer<Float>?, rate: Float, momentum: Float,
    gradientWeight: Float, bufferWeight: Float, decay: Float, nesterov: Bool
  ) {
    let lookahead: Float = nesterov ? 1 : 0
    let bufferShare: Float = nesterov ? momentum : 1
    if let mask {
      for i in theta.indices where mask[i] != 0 {
        let d = g[i] + decay * theta[i]
        b[i] = bufferWeight * b[i] + gradientWeight * d
        theta[i] -= rate * (scale?[i] ?? 1) * (lookahead * d + bufferShare * b[i])
      }
    } else if let scale {
      for i in theta.indices {
        let d = g[i] + decay * theta[i]
        b[i] = bufferWeight * b[i] + gradientWeight * d
        theta[i] -= rate * scale[i] * (lookahead * d + bufferShare * b[i])
      }
    } else {
      for i in theta.indices {
        let d = g[i] + decay * theta[i]
        b[i] = bufferWeight * b[i] + gradientWeight * d
        theta[i] -= rate * (lookahead * d + bufferShare * b[i])
      }
    }
  }
}

/// A parameter's mask and rate scale, lent to an update loop as raw buffers (nil: all ones).
struct ElementSettings {
  let mask: Tensor?
  let scale: Tensor?

  func withBuffers<R>(_ body: (UnsafeBufferPointer<Float>?, UnsafeBufferPointer<Float>?) -> R) -> R {
    withOptional(mask) { mask in withOptional(scale) { scale in body(mask, scale) } }
  }

  private func withOptional<R>(_ tensor: Tensor?, _ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0) }
  }
}
