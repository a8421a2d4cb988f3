import Autodiff
import NN
import TensorCore

/// Stochastic gradient descent with PyTorch's semantics:
///
///     d = g + weightDecay·θ
///     b = d on the first step, else momentum·b + (1 − dampening)·d
///     d = d + momentum·b (Nesterov) or b (heavy ball)
///     θ = θ − lr·scale ⊙ d
public final class SGD: Optimizer {
  public let parameters: [OptimizedParameter]
  public var learningRate: Float
  public let momentum: Float
  public let dampening: Float
  public let nesterov: Bool
  public let weightDecay: Float
  public private(set) var stepCount = 0
  private var buffers: [ObjectIdentifier: Tensor] = [:]

  public init(
    _ parameters: [OptimizedParameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
    nesterov: Bool = false, weightDecay: Float = 0
  ) throws {
    guard learningRate >= 0, momentum >= 0, weightDecay >= 0 else {
      throw ModuleError("SGD needs a non-negative learning rate, momentum and weight decay")
    }
    guard !nesterov || (momentum > 0 && dampening == 0) else {
      throw ModuleError("Nesterov momentum needs momentum > 0 and dampening 0 (as in PyTorch)")
    }
    self.parameters = try validated(parameters)
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public func step() throws {
    stepCount += 1
    for parameter in parameters {
      guard let grad = parameter.variable.grad else { continue }
      let scale = parameter.rateScale
      guard momentum != 0 else {
        grad.withUnsafeBufferPointer { g in
          parameter.variable.value.withUnsafeMutableBufferPointer { theta in
            Self.plainStep(theta, g, scale, rate: learningRate, decay: weightDecay)
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
            Self.momentumStep(
              theta, g, b, scale, rate: learningRate, momentum: momentum,
              gradientWeight: isFirst ? 1 : 1 - dampening, bufferWeight: isFirst ? 0 : momentum, decay: weightDecay,
              nesterov: nesterov)
          }
        }
      }
      buffers[key] = buffer
    }
  }
}

extension SGD {
  // The update loops are written once per case with no optional or branch inside, so they
  // vectorise: a small model's step is mostly these loops.

  static func plainStep(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ scale: Tensor?, rate: Float,
    decay: Float
  ) {
    withOptionalScale(scale) { scale in
      if let scale {
        for i in theta.indices { theta[i] -= rate * scale[i] * (g[i] + decay * theta[i]) }
      } else {
        for i in theta.indices { theta[i] -= rate * (g[i] + decay * theta[i]) }
      }
    }
  }

  /// b = bufferWeight·b + gradientWeight·d, then θ −= lr·scale·(d + μ·b or b), with
  /// d = g + decay·θ. On the first step bufferWeight is 0 and gradientWeight 1 (b = d).
  static func momentumStep(
    _ theta: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
    _ scale: Tensor?, rate: Float, momentum: Float, gradientWeight: Float, bufferWeight: Float, decay: Float,
    nesterov: Bool
  ) {
    let lookahead: Float = nesterov ? 1 : 0
    let bufferShare: Float = nesterov ? momentum : 1
    withOptionalScale(scale) { scale in
      if let scale {
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
}

/// Runs `body` with the scale's elements, or nil when there is no scale (1 everywhere).
func withOptionalScale<R>(_ scale: Tensor?, _ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
  guard let scale else { return body(nil) }
  return scale.withUnsafeBufferPointer { body($0) }
}
