import Autodiff
import CBLAS
import NN
import TensorCore

/// The workloads of issue 4's table, by name.
public enum Workloads {
  public static let names = ["sgemm", "mlp", "spiral"]

  public static func make(_ name: String, seed: UInt64 = 0) throws -> Workload? {
    var generator = RandomGenerator(seed: seed)
    switch name {
    case "sgemm": return try rawProducts(generator: &generator)
    case "mlp": return try mlp(generator: &generator)
    case "spiral": return try spiral(generator: &generator)
    default: return nil
    }
  }

  /// 784-1024-1024-10, ReLU, batch 256.
  static func mlp(generator: inout RandomGenerator) throws -> Workload {
    let sizes = [784, 1024, 1024, 10]
    let model = try Workload.multilayerPerceptron(sizes, activation: .relu, generator: &generator)
    let input = try Tensor.normal([256, 784], generator: &generator)
    let targets = Workload.randomTargets(256, classes: 10, generator: &generator)
    return try .classifier(
      name: "mlp", flopsPerStep: 3 * Workload.linearFlops(sizes, batch: 256), model: model, input: input,
      targets: targets)
  }

  /// 2-64-64-4, tanh, batch 32: small enough that framework overhead dominates.
  static func spiral(generator: inout RandomGenerator) throws -> Workload {
    let sizes = [2, 64, 64, 4]
    let model = try Workload.multilayerPerceptron(sizes, activation: .tanh, generator: &generator)
    let input = try Tensor.normal([32, 2], generator: &generator)
    let targets = Workload.randomTargets(32, classes: 4, generator: &generator)
    return try .classifier(
      name: "spiral", flopsPerStep: 3 * Workload.linearFlops(sizes, batch: 32), model: model, input: input,
      targets: targets)
  }

  /// The GEMMs of one mlp step called directly on `cblas_sgemm`, with no engine around them:
  /// the ceiling mlp's GFLOP/s is measured against.
  static func rawProducts(generator: inout RandomGenerator) throws -> Workload {
    let sizes = [784, 1024, 1024, 10]
    let batch = 256
    let weights = try zip(sizes, sizes.dropFirst()).map { (pair: (Int, Int)) throws -> Tensor in
      try Tensor.normal([pair.1, pair.0], generator: &generator)
    }
    let activations = try sizes.map { (size: Int) throws -> Tensor in
      try Tensor.normal([batch, size], generator: &generator)
    }
    return Workload(name: "sgemm", flopsPerStep: 3 * Workload.linearFlops(sizes, batch: batch)) {
      for (index, weight) in weights.enumerated() {
        // forward x·Wᵀ, input gradient G·W, weight gradient Gᵀ·x: the three products per layer.
        _ = try activations[index].matmul(weight, transposingOther: true)
        _ = try activations[index + 1].matmul(weight)
        _ = try activations[index + 1].matmul(activations[index], transposingSelf: true)
      }
    }
  }
}
