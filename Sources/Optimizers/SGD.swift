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
      let key = ObjectIdentifier(parameter.variable)
      var buffer = buffers.removeValue(forKey: key)
      let isFirst = buffer == nil
      if momentum != 0, buffer == nil { buffer = try Tensor.zeros(grad.shape) }
      let (rate, momentum, dampening, decay, nesterov) = (learningRate, momentum, dampening, weightDecay, nesterov)
      grad.withUnsafeBufferPointer { g in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          withOptionalScale(parameter.rateScale) { scale in
            if momentum == 0 {
              for i in theta.indices {
                theta[i] -= rate * (scale?[i] ?? 1) * (g[i] + decay * theta[i])
              }
              return
            }
            buffer!.withUnsafeMutableBufferPointer { b in
              for i in theta.indices {
                let d = g[i] + decay * theta[i]
                b[i] = isFirst ? d : momentum * b[i] + (1 - dampening) * d
                let direction = nesterov ? d + momentum * b[i] : b[i]
                theta[i] -= rate * (scale?[i] ?? 1) * direction
              }
            }
          }
        }
      }
      if let buffer { buffers[key] = buffer }
    }
  }
}

/// Runs `body` with the scale's elements, or nil when there is no scale (1 everywhere).
func withOptionalScale<R>(_ scale: Tensor?, _ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
  guard let scale else { return body(nil) }
  return scale.withUnsafeBufferPointer { body($0) }
}
