import Autodiff
import NN
import TensorCore

/// The workloads of `bench/README.md`'s table (the same as `bench/pytorch/workloads.py`), by name.
public enum Workloads {
  public static let names = ["sgemm", "mlp", "spiral", "cnn", "resnet", "transformer", "lstm"]

  public static func make(_ name: String, seed: UInt64 = 0) throws -> Workload? {
    if name == "sgemm" {
      var generator = RandomGenerator(seed: seed)
      return try rawProducts(generator: &generator)
    }
    return try problem(name, seed: seed).map(Workload.classifier)
  }

  /// The model, data and loss of a workload (every one but `sgemm`, which has no model); the
  /// same seed gives the same weights and data.
  public static func problem(_ name: String, seed: UInt64 = 0) throws -> TrainingProblem? {
    var generator = RandomGenerator(seed: seed)
    switch name {
    case "mlp": return try mlp(generator: &generator)
    case "spiral": return try spiral(generator: &generator)
    case "cnn": return try cnn(generator: &generator)
    case "resnet": return try resnet(generator: &generator)
    case "transformer": return try transformer(generator: &generator)
    case "lstm": return try lstm(generator: &generator)
    default: return nil
    }
  }

  /// 784-1024-1024-10, ReLU, batch 256.
  static func mlp(generator: inout RandomGenerator) throws -> TrainingProblem {
    try perceptron("mlp", sizes: [784, 1024, 1024, 10], activation: .relu, batch: 256, generator: &generator)
  }

  /// 2-64-64-4, tanh, batch 32: small enough that framework overhead dominates.
  static func spiral(generator: inout RandomGenerator) throws -> TrainingProblem {
    try perceptron("spiral", sizes: [2, 64, 64, 4], activation: .tanh, batch: 32, generator: &generator)
  }

  /// A classifier step of an MLP on normal inputs and random classes, drawn from `generator`
  /// in that order: model, inputs, targets.
  private static func perceptron(
    _ name: String, sizes: [Int], activation: Activation.Kind, batch: Int, generator: inout RandomGenerator
  ) throws -> TrainingProblem {
    let model = try Workload.multilayerPerceptron(sizes, activation: activation, generator: &generator)
    let input = try Tensor.normal([batch, sizes[0]], generator: &generator)
    let targets = Workload.randomTargets(batch, classes: sizes[sizes.count - 1], generator: &generator)
    return TrainingProblem(
      name: name, flopsPerStep: 3 * Workload.linearFlops(sizes, batch: batch), model: model, input: input,
      targets: targets)
  }

  /// The GEMMs of one mlp step called directly on `cblas_sgemm` with OpenBLAS's own threading,
  /// with no engine around them: the ceiling the mlp's GFLOP/s is measured against.
  static func rawProducts(generator: inout RandomGenerator) throws -> Workload {
    let sizes = [784, 1024, 1024, 10]
    let batch = 256
    let weights = try zip(sizes, sizes.dropFirst()).map { (pair: (Int, Int)) throws -> Tensor in
      try Tensor.normal([pair.1, pair.0], generator: &generator)
    }
    let activations = try sizes.map { (size: Int) throws -> Tensor in
      try Tensor.normal([batch, size], generator: &generator)
    }
    var products = try sizes.dropFirst().map { try Tensor.zeros([batch, $0]) }
    var inputGradients = try sizes.dropLast().map { try Tensor.zeros([batch, $0]) }
    var weightGradients = weights
    return Workload(name: "sgemm", flopsPerStep: 3 * Workload.linearFlops(sizes, batch: batch)) {
      BLAS.setThreadCount(BLASThreads.current)
      defer { BLAS.setThreadCount(1) }
      for layer in weights.indices {
        let (inputs, outputs) = (sizes[layer], sizes[layer + 1])
        activations[layer].withUnsafeBufferPointer { x in
          activations[layer + 1].withUnsafeBufferPointer { g in
            weights[layer].withUnsafeBufferPointer { w in
              // forward x·Wᵀ, input gradient G·W, weight gradient Gᵀ·x: the three products per layer.
              products[layer].withUnsafeMutableBufferPointer { y in
                BLAS.multiply(
                  transposingB: true, m: batch, n: outputs, k: inputs, x.baseAddress, lda: inputs, w.baseAddress,
                  ldb: inputs, y.baseAddress, ldc: outputs)
              }
              inputGradients[layer].withUnsafeMutableBufferPointer { dx in
                BLAS.multiply(
                  m: batch, n: inputs, k: outputs, g.baseAddress, lda: outputs, w.baseAddress, ldb: inputs,
                  dx.baseAddress, ldc: inputs)
              }
              weightGradients[layer].withUnsafeMutableBufferPointer { dw in
                BLAS.multiply(
                  transposingA: true, m: outputs, n: inputs, k: batch, g.baseAddress, lda: outputs, x.baseAddress,
                  ldb: inputs, dw.baseAddress, ldc: inputs)
              }
            }
          }
        }
      }
    }
  }

  /// Four 3×3 convolutions with two max-pools, then two linear layers; batch 64 of 32×32×3.
  static func cnn(generator: inout RandomGenerator) throws -> TrainingProblem {
    let model = Sequential([
      try Conv2d(3, 32, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu),
      try Conv2d(32, 32, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu),
      try MaxPool2d(kernelSize: 2),
      try Conv2d(32, 64, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu),
      try Conv2d(64, 64, kernelSize: 3, padding: 1, generator: &generator), Activation(.relu),
      try MaxPool2d(kernelSize: 2), Flatten(),
      try Linear(4096, 256, generator: &generator), Activation(.relu),
      try Linear(256, 10, generator: &generator),
    ])
    let convolutions =
      convolutionFlops(batch: 64, size: 32, input: 3, output: 32)
      + convolutionFlops(batch: 64, size: 32, input: 32, output: 32)
      + convolutionFlops(batch: 64, size: 16, input: 32, output: 64)
      + convolutionFlops(batch: 64, size: 16, input: 64, output: 64)
    let flops = 3 * (convolutions + Workload.linearFlops([4096, 256, 10], batch: 64))
    return TrainingProblem(
      name: "cnn", flopsPerStep: flops, model: model, input: try Tensor.normal([64, 3, 32, 32], generator: &generator),
      targets: Workload.randomTargets(64, classes: 10, generator: &generator))
  }

  /// ResNet-20 for CIFAR (3 stages of 3 basic blocks, widths 16/32/64, batch norm), batch 64.
  static func resnet(generator: inout RandomGenerator) throws -> TrainingProblem {
    let model = try ResNet.cifar(depth: 20, classes: 10, generator: &generator)
    var flops = convolutionFlops(batch: 64, size: 32, input: 3, output: 16)
    flops += 6 * convolutionFlops(batch: 64, size: 32, input: 16, output: 16)
    for (size, width) in [(16, 32), (8, 64)] {
      flops += convolutionFlops(batch: 64, size: size, input: width / 2, output: width)
      flops += 5 * convolutionFlops(batch: 64, size: size, input: width, output: width)
      flops += convolutionFlops(batch: 64, size: size, input: width / 2, output: width, kernel: 1)
    }
    flops += Workload.linearFlops([64, 10], batch: 64)
    return TrainingProblem(
      name: "resnet", flopsPerStep: 3 * flops, model: model,
      input: try Tensor.normal([64, 3, 32, 32], generator: &generator),
      targets: Workload.randomTargets(64, classes: 10, generator: &generator))
  }

  /// A two-layer causal transformer language model: vocabulary 10,000, width 128, 2 heads,
  /// feed-forward 200, sequence 35, batch 32, loss over every position.
  static func transformer(generator: inout RandomGenerator) throws -> TrainingProblem {
    let (vocabulary, width, batch, length) = (10_000, 128, 32, 35)
    let model = Sequential([
      try Embedding(vocabulary, width, generator: &generator),
      try TransformerEncoderLayer(
        modelDimension: width, heads: 2, feedforwardDimension: 200, causal: true, generator: &generator),
      try TransformerEncoderLayer(
        modelDimension: width, heads: 2, feedforwardDimension: 200, causal: true, generator: &generator),
      try Linear(width, vocabulary, generator: &generator),
    ])
    let rows = batch * length
    let perLayer =
      Workload.linearFlops([width, 3 * width], batch: rows) + Workload.linearFlops([width, width], batch: rows)
      + Workload.linearFlops([width, 200, width], batch: rows)
      + 2 * (2 * Double(batch) * 2 * Double(length * length) * Double(width / 2))
    let flops = 3 * (2 * perLayer + Workload.linearFlops([width, vocabulary], batch: rows))
    return TrainingProblem(
      name: "transformer", flopsPerStep: flops, model: model,
      input: try tokens([batch, length], vocabulary: vocabulary, generator: &generator),
      targets: Workload.randomTargets(rows, classes: vocabulary, generator: &generator), lossOverPositions: true)
  }

  /// A two-layer LSTM language model: vocabulary 50, embedding and hidden 100, sequence 70,
  /// batch 20, loss over every position.
  static func lstm(generator: inout RandomGenerator) throws -> TrainingProblem {
    let (vocabulary, width, batch, length) = (50, 100, 20, 70)
    let model = Sequential([
      try Embedding(vocabulary, width, generator: &generator),
      try LSTM(inputSize: width, hiddenSize: width, layers: 2, generator: &generator),
      try Linear(width, vocabulary, generator: &generator),
    ])
    let perLayer = Double(length) * (2 * Double(batch * width * 4 * width) * 2)
    let flops = 3 * (2 * perLayer + Workload.linearFlops([width, vocabulary], batch: batch * length))
    return TrainingProblem(
      name: "lstm", flopsPerStep: flops, model: model,
      input: try tokens([batch, length], vocabulary: vocabulary, generator: &generator),
      targets: Workload.randomTargets(batch * length, classes: vocabulary, generator: &generator),
      lossOverPositions: true)
  }

  static func tokens(_ shape: [Int], vocabulary: Int, generator: inout RandomGenerator) throws -> Tensor {
    let count = shape.reduce(1, *)
    return try Tensor(shape: shape, values: (0..<count).map { _ in Float(generator.next() % UInt64(vocabulary)) })
  }

  /// 2·N·HO·WO·O·C·KH·KW for a same-padded convolution on size×size inputs.
  static func convolutionFlops(batch: Int, size: Int, input: Int, output: Int, kernel: Int = 3) -> Double {
    2 * Double(batch) * Double(size * size) * Double(output) * Double(input) * Double(kernel * kernel)
  }
}
