import Autodiff
import NN
import TensorCore

/// One parameter an optimizer updates, with what is specific to it: an element-wise rate
/// multiplier (a selection's 0/1 mask, or Alrao's per-feature rates; nil means 1 everywhere).
public struct OptimizedParameter {
  public let variable: Variable
  public let rateScale: Tensor?

  public init(_ variable: Variable, rateScale: Tensor? = nil) {
    self.variable = variable
    self.rateScale = rateScale
  }
}

/// Updates parameters from their gradients. Optimizers keep per-parameter state (momentum,
/// moments) keyed by the parameter, and skip parameters that have no gradient this step — so a
/// fast-only multirate step, where the trunk has none, leaves the trunk and its state alone.
public protocol Optimizer: AnyObject {
  var parameters: [OptimizedParameter] { get }
  /// The base learning rate; schedules set it before each step.
  var learningRate: Float { get set }
  /// The number of steps taken so far.
  var stepCount: Int { get }
  func step() throws
}

extension Optimizer {
  /// Forgets every parameter's gradient before the next backward pass.
  public func zeroGradients() {
    for parameter in parameters { parameter.variable.zeroGrad() }
  }

  /// Scales all gradients down together so their joint L2 norm is at most `maximumNorm`
  /// (PyTorch's `clip_grad_norm_`: factor maximumNorm / (norm + 1e-6), never above 1).
  /// Returns the norm before clipping.
  @discardableResult
  public func clipGradientNorm(_ maximumNorm: Float) -> Float {
    var squares = 0.0
    for parameter in parameters {
      guard let grad = parameter.variable.grad else { continue }
      grad.withUnsafeBufferPointer { values in for value in values { squares += Double(value) * Double(value) } }
    }
    let norm = Float(squares.squareRoot())
    let factor = maximumNorm / (norm + 1e-6)
    guard factor < 1 else { return norm }
    for parameter in parameters {
      guard var grad = parameter.variable.grad else { continue }
      grad.withUnsafeMutableBufferPointer { values in for index in values.indices { values[index] *= factor } }
      parameter.variable.grad = grad
    }
    return norm
  }
}

extension Array where Element == OptimizedParameter {
  /// Every parameter of a model, each updated in full.
  public init(_ model: Module) {
    self = model.parameters.map { OptimizedParameter($0) }
  }

  /// The parameters a selection picks; a partly selected parameter is updated only where its
  /// mask is 1.
  public init(_ selection: ParameterSelection, in model: Module) throws {
    self = try selection.resolve(in: model).map { OptimizedParameter($0.variable, rateScale: $0.mask) }
  }
}

/// Checks that a rate-scale tensor fits its parameter.
func validated(_ parameters: [OptimizedParameter]) throws -> [OptimizedParameter] {
  for parameter in parameters {
    if let scale = parameter.rateScale, scale.shape != parameter.variable.shape {
      throw ModuleError(
        "rate scale \(Tensor.describe(scale.shape)) does not match its parameter \(Tensor.describe(parameter.variable.shape))"
      )
    }
  }
  return parameters
}
