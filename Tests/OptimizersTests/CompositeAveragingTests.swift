import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

@Suite("Composite-network averaging (ALGORITHMS §1.9)")
struct CompositeAveragingTests {
  /// M9, hF = 0.1, hS = 0.2, k = 2, μ = 0 on the two-parameter quadratic: per cycle the fast
  /// copy and the slow copy before the merge, then the merged network, each (θF, θS).
  static let m9: [[Double]] = [
    [0.1950000000, -0.1850000000, 0.2000000000, -0.2000000000, 0.1975000000, -0.1925000000],
    [0.3718312500, -0.3254687500, 0.3772500000, -0.3352500000, 0.3745406250, -0.3303593750],
    [0.5273948047, -0.4290918516, 0.5326684375, -0.4356696875, 0.5300316211, -0.4323807695],
  ]

  @Test("M9: the fast copy steps every step, the slow copy once per cycle, and both merge to their average")
  func m9() throws {
    let fastCopy = QuadraticDriver(.two)
    let slowCopy = QuadraticDriver(.two)
    let optimizer = try CompositeAveraging(
      fast: fastCopy.variables.map { OptimizedParameter($0) }, slow: slowCopy.variables.map { OptimizedParameter($0) },
      k: 2, learningRate: 0.1, slowLearningRate: 0.2)
    var kinds: [String] = []
    for row in Self.m9 {
      for step in 0..<2 {
        let plan = try optimizer.prepareStep()
        kinds.append(plan.kind)
        let planned = Set((plan.parameters ?? []).map(ObjectIdentifier.init))
        // The composite loss is the sum of the copies' losses: each copy gets its own gradient.
        for copy in [fastCopy, slowCopy] {
          let gradient = copy.problem.gradient(copy.theta)
          for (variable, g) in zip(copy.variables, gradient) {
            variable.grad = planned.contains(ObjectIdentifier(variable)) ? Tensor([g]) : nil
          }
        }
        try optimizer.step()
        if step == 1 { expectClose(fastCopy.theta + slowCopy.theta, Array(row[0..<4]), "before the merge") }
        optimizer.finishStep(updated: true)
      }
      expectClose(fastCopy.theta, Array(row[4..<6]), "merged fast copy")
      expectClose(slowCopy.theta, Array(row[4..<6]), "merged slow copy")
    }
    #expect(kinds == ["both copies", "fast copy", "both copies", "fast copy", "both copies", "fast copy"])
  }

  @Test("copies that do not match are refused")
  func mismatch() throws {
    let a = OptimizedParameter(Variable(Tensor([1, 2])), origin: "'a'")
    let b = OptimizedParameter(Variable(Tensor([1])), origin: "'b'")
    let error = try #require(throws: ModuleError.self) {
      try CompositeAveraging(fast: [a], slow: [b], k: 2, learningRate: 0.1, slowLearningRate: 0.2)
    }
    #expect(error.description == "'a' has shape [2] in the fast copy but 'b' has [1] in the slow copy")
  }
}
