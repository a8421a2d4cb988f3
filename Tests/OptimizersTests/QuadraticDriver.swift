import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

/// The deterministic problems of ALGORITHMS §4.1, L(θ) = ½θᵀAθ − bᵀθ, with their exact gradient
/// standing in for forward and backward.
struct Quadratic {
  let a: [[Float]]
  let b: [Float]

  /// ½θF² + θS² + ½θF·θS − θF + θS, θ = (θF, θS).
  static let two = Quadratic(a: [[1, 0.5], [0.5, 2]], b: [1, -1])
  /// The three-parameter problem of M7 and M8.
  static let three = Quadratic(a: [[2, 0.5, 0], [0.5, 1, 0.25], [0, 0.25, 0.5]], b: [1, -1, 0.5])

  func gradient(_ theta: [Float]) -> [Float] {
    a.indices.map { row in zip(a[row], theta).reduce(-b[row]) { $0 + $1.0 * $1.1 } }
  }
}

/// Drives an optimizer through the per-step protocol on a `Quadratic`, the way the training
/// step does: only the planned parameters get a gradient; follow-up passes recompute it at
/// the moved point.
///
/// θ is either one scalar `Variable` per coordinate (`scalars`) or one vector `Variable`
/// (`vector`) whose groups are masks.
final class QuadraticDriver {
  let problem: Quadratic
  let variables: [Variable]
  /// The plans of every pass so far, in order.
  private(set) var plans: [GradientPlan] = []

  init(_ problem: Quadratic, vector: Bool = false) {
    self.problem = problem
    variables =
      vector
      ? [Variable(Tensor([Float](repeating: 0, count: problem.b.count)), requiresGrad: true)]
      : problem.b.map { _ in Variable(Tensor([0]), requiresGrad: true) }
  }

  var theta: [Float] { variables.flatMap { $0.value.scalars } }

  /// Parameter i as a whole-tensor entry (scalars) or as a masked element (vector).
  func parameter(_ index: Int) -> OptimizedParameter {
    guard variables.count == 1 else { return OptimizedParameter(variables[index], origin: "'theta\(index + 1)'") }
    var mask = [Float](repeating: 0, count: problem.b.count)
    mask[index] = 1
    return OptimizedParameter(variables[0], mask: Tensor(mask), origin: "'theta'")
  }

  private func backward(_ plan: GradientPlan) {
    plans.append(plan)
    let wanted = plan.parameters.map { Set($0.map(ObjectIdentifier.init)) }
    let gradient = problem.gradient(theta)
    var offset = 0
    for variable in variables {
      let count = variable.value.count
      variable.grad = nil
      if wanted?.contains(ObjectIdentifier(variable)) ?? true {
        variable.grad = Tensor(Array(gradient[offset..<(offset + count)]))
      }
      offset += count
    }
  }

  /// One step; `inspect` runs after the last update, before `finishStep`.
  func step(_ optimizer: Optimizer, inspect: () throws -> Void = {}) throws {
    backward(try optimizer.prepareStep())
    try optimizer.step()
    while let next = optimizer.followUpPass() {
      backward(next)
      try optimizer.step()
    }
    try inspect()
    optimizer.finishStep(updated: true)
  }
}

/// |actual − expected| ≤ tolerance element by element (the oracles are Double; the engine Float).
func expectClose(
  _ actual: [Float], _ expected: [Double], tolerance: Double = 1e-5, _ comment: @autoclosure () -> String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let close =
    actual.count == expected.count
    && zip(actual, expected).allSatisfy { abs(Double($0) - $1) <= tolerance }
  #expect(close, "\(comment()): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
}
