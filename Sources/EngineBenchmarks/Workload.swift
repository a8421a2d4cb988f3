import Autodiff
import NN
import Optimizers
import TensorCore

/// One benchmark: a model, a fixed batch of random data, and the training step to time.
///
/// A step is what `bench/pytorch/workloads.py` times for the same workload: zero the
/// gradients, forward, loss, backward, SGD with momentum 0.9 — so the two lines compare.
public struct Workload {
  public let name: String
  /// Model FLOPs per step: 3 × the multiply-adds (2·M·N·K) of the forward pass's GEMM-shaped
  /// ops, elementwise work ignored (the formula in bench/README.md).
  public let flopsPerStep: Double
  public let step: () throws -> Void
}

extension Workload {
  /// A classifier trained with cross-entropy on a fixed batch.
  static func classifier(_ problem: TrainingProblem) throws -> Workload {
    let optimizer = try SGD([OptimizedParameter](problem.model), learningRate: 0.01, momentum: 0.9)
    let inputVariable = Variable(problem.input)
    return Workload(name: problem.name, flopsPerStep: problem.flopsPerStep) {
      optimizer.zeroGradients()
      try problem.loss(of: inputVariable).backward()
      try optimizer.step()
    }
  }

  static func randomTargets(_ count: Int, classes: Int, generator: inout RandomGenerator) -> [Int] {
    (0..<count).map { _ in Int(generator.next() % UInt64(classes)) }
  }

  static func multilayerPerceptron(
    _ sizes: [Int], activation: Activation.Kind, generator: inout RandomGenerator
  ) throws -> Sequential {
    var layers: [Module] = []
    for index in 0..<(sizes.count - 1) {
      layers.append(try Linear(sizes[index], sizes[index + 1], generator: &generator))
      if index < sizes.count - 2 { layers.append(Activation(activation)) }
    }
    return Sequential(layers)
  }

  /// Forward multiply-add FLOPs of a stack of linear layers over a batch.
  static func linearFlops(_ sizes: [Int], batch: Int) -> Double {
    zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + 2 * Double(batch) * Double($1.0) * Double($1.1) }
  }
}
