import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

func network(_ sizes: [Int], activation: Activation.Kind = .tanh, seed: UInt64) throws -> Sequential {
  var generator = RandomGenerator(seed: seed)
  var layers: [Module] = []
  for index in 0..<(sizes.count - 1) {
    layers.append(try Linear(sizes[index], sizes[index + 1], generator: &generator))
    if index < sizes.count - 2 { layers.append(Activation(activation)) }
  }
  return Sequential(layers)
}

/// Two Gaussian blobs per class around the corners of a square, seeded.
func blobs(count: Int, seed: UInt64) throws -> (Tensor, [Int]) {
  var generator = RandomGenerator(seed: seed)
  let centres: [(Float, Float)] = [(-2, -2), (2, 2), (-2, 2), (2, -2)]
  var values: [Float] = []
  var labels: [Int] = []
  for index in 0..<count {
    let label = index % 4
    values += [centres[label].0 + 0.7 * generator.nextNormal(), centres[label].1 + 0.7 * generator.nextNormal()]
    labels.append(label)
  }
  return (try Tensor(shape: [count, 2], values: values), labels)
}

func accuracy(_ model: Module, _ inputs: Tensor, _ labels: [Int]) throws -> Double {
  let predictions = try noGrad { try model(Variable(inputs)) }.value.argmax(alongAxis: 1).scalars
  return Double(zip(predictions, labels).filter { Int($0) == $1 }.count) / Double(labels.count)
}

func train(
  _ model: Module, _ optimizer: Optimizer, _ inputs: Tensor, _ labels: [Int], steps: Int
) throws -> Float {
  var loss: Float = 0
  for _ in 0..<steps {
    optimizer.zeroGradients()
    let value = try model(Variable(inputs)).crossEntropy(targets: labels)
    try value.backward()
    try optimizer.step()
    loss = value.value.scalar ?? .nan
  }
  return loss
}

@Suite("Optimizers train networks")
struct ConvergenceTests {
  @Test("SGD with momentum learns XOR")
  func xor() throws {
    let model = try network([2, 8, 2], seed: 3)
    let inputs = try Tensor(shape: [4, 2], values: [0, 0, 0, 1, 1, 0, 1, 1])
    let labels = [0, 1, 1, 0]
    let optimizer = try SGD([OptimizedParameter](model), learningRate: 0.1, momentum: 0.9)
    let loss = try train(model, optimizer, inputs, labels, steps: 300)
    #expect(loss < 0.05)
    #expect(try accuracy(model, inputs, labels) == 1)
  }

  @Test("Adam and AdamW fit Gaussian blobs and generalise to fresh samples", arguments: [false, true])
  func blobsConverge(decoupled: Bool) throws {
    let model = try network([2, 16, 4], activation: .relu, seed: 5)
    let (inputs, labels) = try blobs(count: 200, seed: 1)
    let optimizer = try Adam(
      [OptimizedParameter](model), learningRate: 0.02, weightDecay: decoupled ? 0.01 : 0,
      decoupledWeightDecay: decoupled)
    _ = try train(model, optimizer, inputs, labels, steps: 150)
    let (test, testLabels) = try blobs(count: 400, seed: 2)
    #expect(try accuracy(model, test, testLabels) > 0.9)
  }

  @Test("training twice with the same seed gives bit-identical weights")
  func determinism() throws {
    func run() throws -> [Tensor] {
      let model = Sequential([try network([2, 16, 4], activation: .relu, seed: 7), try Dropout(0.1, seed: 8)])
      let (inputs, labels) = try blobs(count: 64, seed: 3)
      let optimizer = try SGD([OptimizedParameter](model), learningRate: 0.05, momentum: 0.9, nesterov: true)
      _ = try train(model, optimizer, inputs, labels, steps: 40)
      return model.stateDictionary().map(\.tensor)
    }
    #expect(try run() == run())
  }
}

@Suite("Optimizer semantics")
struct OptimizerSemanticsTests {
  @Test("SGD with momentum follows PyTorch's buffer rule by hand")
  func sgdByHand() throws {
    let theta = Variable(Tensor([1]), requiresGrad: true)
    let optimizer = try SGD([OptimizedParameter(theta)], learningRate: 0.1, momentum: 0.9, dampening: 0.5)
    theta.grad = Tensor([2])
    try optimizer.step()  // b = 2, θ = 1 - 0.2
    #expect(theta.value.scalar == 0.8)
    theta.grad = Tensor([1])
    try optimizer.step()  // b = 0.9·2 + 0.5·1 = 2.3, θ = 0.8 - 0.23
    #expect(abs((theta.value.scalar ?? 0) - 0.57) < 1e-6)
  }

  @Test("a parameter without a gradient is left alone, with its state")
  func skipsMissingGradients() throws {
    let a = Variable(Tensor([1]), requiresGrad: true)
    let b = Variable(Tensor([1]), requiresGrad: true)
    let optimizer = try SGD([OptimizedParameter(a), OptimizedParameter(b)], learningRate: 0.1, momentum: 0.9)
    a.grad = Tensor([1])
    try optimizer.step()
    #expect(a.value.scalar == 0.9)
    #expect(b.value.scalar == 1)
  }

  @Test("rate scales update only the masked elements, element by element")
  func rateScales() throws {
    let theta = Variable(Tensor([1, 1, 1]), requiresGrad: true)
    let optimizer = try Adam([OptimizedParameter(theta, rateScale: Tensor([1, 0, 0.5]))], learningRate: 0.1)
    theta.grad = Tensor([1, 1, 1])
    try optimizer.step()
    let values = theta.value.scalars
    #expect(abs(values[0] - 0.9) < 1e-6)
    #expect(values[1] == 1)
    #expect(abs(values[2] - 0.95) < 1e-6)
    #expect(throws: ModuleError.self) { try SGD([OptimizedParameter(theta, rateScale: Tensor([1]))], learningRate: 1) }
  }

  @Test("gradient clipping scales the joint norm down to the limit and reports the norm before")
  func clipping() throws {
    let a = Variable(Tensor([0]), requiresGrad: true)
    let b = Variable(Tensor([0]), requiresGrad: true)
    let optimizer = try SGD([OptimizedParameter(a), OptimizedParameter(b)], learningRate: 1)
    a.grad = Tensor([3])
    b.grad = Tensor([4])
    #expect(optimizer.clipGradientNorm(1) == 5)
    #expect(abs((a.grad?.scalar ?? 0) - 0.6) < 1e-5)
    #expect(abs((b.grad?.scalar ?? 0) - 0.8) < 1e-5)
    #expect(optimizer.clipGradientNorm(10) < 1.0001)
    #expect(abs((a.grad?.scalar ?? 0) - 0.6) < 1e-5)
  }

  @Test("invalid settings are refused with the reason")
  func invalidSettings() throws {
    let theta = Variable(Tensor([1]), requiresGrad: true)
    #expect(throws: ModuleError.self) { try SGD([OptimizedParameter(theta)], learningRate: -1) }
    #expect(throws: ModuleError.self) { try SGD([OptimizedParameter(theta)], learningRate: 1, nesterov: true) }
    #expect(throws: ModuleError.self) { try Adam([OptimizedParameter(theta)], beta1: 1) }
  }
}

@Suite("Learning-rate schedules")
struct ScheduleTests {
  @Test("step, cosine, linear and warm-up give the textbook rates")
  func rates() {
    let step = LearningRateSchedule.step(every: 2, factor: 0.5)
    #expect((0..<6).map { step.rate(at: $0, base: 1) } == [1, 1, 0.5, 0.5, 0.25, 0.25])
    let cosine = LearningRateSchedule.cosine(steps: 4, minimum: 0)
    #expect(cosine.rate(at: 0, base: 2) == 2)
    #expect(abs(cosine.rate(at: 2, base: 2) - 1) < 1e-6)
    #expect(cosine.rate(at: 4, base: 2) == 0)
    let linear = LearningRateSchedule.linear(steps: 4, final: 0.2)
    #expect(abs(linear.rate(at: 2, base: 1) - 0.6) < 1e-6)
    #expect(linear.rate(at: 10, base: 1) == 0.2)
    let warm = LearningRateSchedule.warmUp(steps: 4, then: .constant)
    #expect((0..<6).map { warm.rate(at: $0, base: 1) } == [0.25, 0.5, 0.75, 1, 1, 1])
  }
}
