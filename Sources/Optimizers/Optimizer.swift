import Autodiff
import NN
import TensorCore

/// One parameter an optimizer updates, with what is specific to it.
///
/// Membership and rate are separate on purpose: `mask` says which elements this optimizer owns
/// (outside it nothing changes — not the value, not momentum, not Adam's moments), while
/// `rateScale` multiplies the learning rate element by element (Alrao's per-feature rates). A
/// rate of 0 freezes an element's value but still lets its state follow the gradient; a mask
/// of 0 leaves the element to someone else.
public struct OptimizedParameter {
  public let variable: Variable
  /// 1 where this optimizer owns the element, 0 where it does not; nil means every element.
  public let mask: Tensor?
  /// The element-wise learning-rate multiplier; nil means 1 everywhere.
  public let rateScale: Tensor?
  /// Where the parameter came from, for errors: its path and the selection that chose it.
  public let origin: String

  public init(_ variable: Variable, mask: Tensor? = nil, rateScale: Tensor? = nil, origin: String = "a parameter") {
    self.variable = variable
    self.mask = mask
    self.rateScale = rateScale
    self.origin = origin
  }
}

/// Which parameters a step needs a gradient for: what an optimizer tells the training step
/// before the forward pass, so that parameters not due (multirate's slow trunk on a fast step)
/// are not differentiated at all — their forward records nothing and backward stops before them.
public struct GradientPlan {
  /// The parameters whose gradients the coming update uses; nil means every parameter.
  public var parameters: [Variable]?
  /// A short name for the kind of step, for timing per kind (`"full"`, `"fast"`, …).
  public var kind: String

  public init(parameters: [Variable]?, kind: String) {
    self.parameters = parameters
    self.kind = kind
  }

  /// Every parameter, a full step.
  public static var everything: GradientPlan { GradientPlan(parameters: nil, kind: "full") }
}

/// Updates parameters from their gradients. Optimizers keep per-parameter state (momentum,
/// moments) keyed by the parameter, and skip parameters that have no gradient this step — so a
/// fast-only multirate step, where the trunk has none, leaves the trunk and its state alone.
///
/// An optimizer owns its learning rate: `baseLearningRate` as configured, and the schedule that
/// turns it into `currentLearningRate` for the coming step. Nothing outside sets the rate.
///
/// One training step drives an optimizer in this order, the same for every optimizer (the fit
/// loop has no special case for any of them):
///
///     let plan = try optimizer.prepareStep()     // may also change values (zero a masked subset)
///     forward and backward, differentiating only plan.parameters
///     try optimizer.step()
///     while let next = optimizer.followUpPass() { forward and backward on the same batch; try optimizer.step() }
///     optimizer.finishStep(updated: true)        // always called, also when the step stopped early
public protocol Optimizer: AnyObject {
  var parameters: [OptimizedParameter] { get }
  /// The learning rate as configured, before any schedule.
  var baseLearningRate: Float { get }
  /// How the rate changes with the step count, relative to `baseLearningRate`.
  var schedule: LearningRateSchedule { get }
  /// The number of steps taken so far.
  var stepCount: Int { get }
  /// Called before the forward pass: which parameters need a gradient this step. An optimizer
  /// may also change parameter values here (deactivate a masked subset), to be undone in
  /// `finishStep`.
  func prepareStep() throws -> GradientPlan
  func step() throws
  /// A second forward and backward on the same batch that this step needs after `step()`
  /// (multirate without drift takes the fast gradient after the slow jump); nil when none.
  func followUpPass() -> GradientPlan?
  /// Called once the step is over — `updated` is false when it stopped before the update (a
  /// diverging loss, an error): restore deactivated values, redraw masks, merge copies.
  func finishStep(updated: Bool)
}

extension Optimizer {
  public func prepareStep() throws -> GradientPlan { .everything }
  public func followUpPass() -> GradientPlan? { nil }
  public func finishStep(updated: Bool) {}

  /// The rate the next `step()` uses: the schedule at `stepCount`.
  public var currentLearningRate: Float { schedule.rate(at: stepCount, base: baseLearningRate) }

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
    self = model.namedParameters().map { OptimizedParameter($0.variable, origin: "'\($0.path)'") }
  }

  /// The parameters a selection picks; a partly selected parameter is owned only where its
  /// mask is 1.
  public init(_ selection: ParameterSelection, in model: Module) throws {
    self = try selection.resolve(in: model).map {
      OptimizedParameter($0.variable, mask: $0.mask, origin: "'\($0.path)' (selected by \(selection))")
    }
  }
}

/// Checks that masks and rate scales fit their parameters, and that no element is owned twice.
///
/// A tensor listed more than once (two selections of one weight) is merged into one entry when
/// the selections own disjoint elements — each element keeps the rate of the entry that owns it
/// — and refused when they overlap: applying one gradient twice per step is never what was meant.
func validated(_ parameters: [OptimizedParameter]) throws -> [OptimizedParameter] {
  for parameter in parameters {
    for (what, tensor) in [("mask", parameter.mask), ("rate scale", parameter.rateScale)] {
      if let tensor, tensor.shape != parameter.variable.shape {
        throw ModuleError(
          "\(what) \(Tensor.describe(tensor.shape)) of \(parameter.origin) does not match its parameter \(Tensor.describe(parameter.variable.shape))"
        )
      }
    }
    if let mask = parameter.mask, mask.scalars.contains(where: { $0 != 0 && $0 != 1 }) {
      throw ModuleError("the mask of \(parameter.origin) must hold only 0 and 1; a rate belongs in 'rateScale'")
    }
  }
  var result: [OptimizedParameter] = []
  var position: [ObjectIdentifier: Int] = [:]
  for parameter in parameters {
    let key = ObjectIdentifier(parameter.variable)
    guard let index = position[key] else {
      position[key] = result.count
      result.append(parameter)
      continue
    }
    result[index] = try merged(result[index], parameter)
  }
  return result
}

/// Two entries of one tensor as one, when they own disjoint elements.
private func merged(_ first: OptimizedParameter, _ second: OptimizedParameter) throws -> OptimizedParameter {
  let count = first.variable.value.count
  let firstMask = first.mask?.scalars ?? [Float](repeating: 1, count: count)
  let secondMask = second.mask?.scalars ?? [Float](repeating: 1, count: count)
  let shared = zip(firstMask, secondMask).filter { $0 == 1 && $1 == 1 }.count
  guard shared == 0 else {
    throw ModuleError(
      "\(first.origin) and \(second.origin) both own \(shared) of its \(count) elements; each element can belong to one selection only",
      help: "make the selections disjoint, for example with '.complement' or '.intersection'")
  }
  let firstRates = first.rateScale?.scalars
  let secondRates = second.rateScale?.scalars
  var mask = [Float](repeating: 0, count: count)
  var rates = [Float](repeating: 1, count: count)
  for index in 0..<count {
    if firstMask[index] == 1 {
      mask[index] = 1
      rates[index] = firstRates?[index] ?? 1
    } else if secondMask[index] == 1 {
      mask[index] = 1
      rates[index] = secondRates?[index] ?? 1
    }
  }
  let shape = first.variable.shape
  let wholeMask = mask.allSatisfy { $0 == 1 }
  let hasRates = firstRates != nil || secondRates != nil
  return OptimizedParameter(
    first.variable, mask: wholeMask ? nil : try Tensor(shape: shape, values: mask),
    rateScale: hasRates ? try Tensor(shape: shape, values: rates) : nil,
    origin: "\(first.origin) and \(second.origin)")
}
