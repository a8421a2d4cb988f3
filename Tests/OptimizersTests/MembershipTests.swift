import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

/// An element outside an optimizer's mask belongs to someone else: nothing about it changes.
@Suite("Masks are membership, rate scales are rates")
struct MembershipTests {
  let mask = Tensor([1, 0, 1])

  @Test("SGD with momentum changes neither the value nor the momentum buffer outside the mask")
  func sgdKeepsStateInsideTheMask() throws {
    let theta = Variable(Tensor([1, 1, 1]), requiresGrad: true)
    let optimizer = try SGD(
      [OptimizedParameter(theta, mask: mask)], learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
    for _ in 0..<3 {
      theta.grad = Tensor([1, 1, 1])
      try optimizer.step()
    }
    let buffer = try #require(optimizer.momentumBuffer(of: theta)).scalars
    #expect(theta.value.scalars[1] == 1)
    #expect(buffer[1] == 0, "the buffer outside the mask stays as it was")
    #expect(buffer[0] != 0 && buffer[0] == buffer[2])
  }

  @Test("Adam changes neither the value nor either moment outside the mask")
  func adamKeepsStateInsideTheMask() throws {
    let theta = Variable(Tensor([1, 1, 1]), requiresGrad: true)
    let optimizer = try Adam([OptimizedParameter(theta, mask: mask)], learningRate: 0.1, weightDecay: 0.1)
    theta.grad = Tensor([2, 2, 2])
    try optimizer.step()
    let moments = try #require(optimizer.moments(of: theta))
    #expect(theta.value.scalars[1] == 1)
    #expect(moments.first.scalars[1] == 0 && moments.second.scalars[1] == 0)
    #expect(moments.first.scalars[0] != 0)
  }

  @Test("a rate scale of 0 freezes the value but the state still follows the gradient")
  func zeroRateIsNotAMask() throws {
    let theta = Variable(Tensor([1, 1]), requiresGrad: true)
    let optimizer = try SGD([OptimizedParameter(theta, rateScale: Tensor([0, 2]))], learningRate: 0.1, momentum: 0.9)
    theta.grad = Tensor([1, 1])
    try optimizer.step()
    #expect(theta.value.scalars == [1, 0.8])
    #expect(optimizer.momentumBuffer(of: theta)?.scalars == [1, 1])
  }

  @Test("a mask must hold only 0 and 1, and fit its parameter")
  func maskValues() throws {
    let theta = Variable(Tensor([1, 1]), requiresGrad: true)
    #expect(throws: ModuleError.self) { try SGD([OptimizedParameter(theta, mask: Tensor([0.5, 1]))], learningRate: 1) }
    #expect(throws: ModuleError.self) { try SGD([OptimizedParameter(theta, mask: Tensor([1]))], learningRate: 1) }
  }

  @Test("two selections owning the same elements of one tensor are refused, naming both")
  func overlapIsRefused() throws {
    let model = try network([3, 4, 2], seed: 1)
    let head = try [OptimizedParameter](.head, in: model)
    let last = try [OptimizedParameter](.layer(2), in: model)
    let error = try #require(throws: ModuleError.self) { try SGD(head + last, learningRate: 0.1, momentum: 0.9) }
    #expect(error.description.contains("'2.weight' (selected by .head)"))
    #expect(error.description.contains("(selected by layer(2))"))
    #expect(error.description.contains("both own 8 of its 8 elements"))
    #expect(error.help?.contains(".complement") == true)
  }

  @Test("a tensor listed twice whole is refused rather than stepped twice")
  func duplicateWholeParameter() throws {
    let theta = Variable(Tensor([1]), requiresGrad: true)
    #expect(throws: ModuleError.self) {
      try SGD([OptimizedParameter(theta), OptimizedParameter(theta)], learningRate: 0.1)
    }
  }

  @Test("disjoint selections of one tensor merge into one entry stepped once, each element at its own rate")
  func disjointSelectionsMerge() throws {
    let theta = Variable(Tensor([1, 1, 1]), requiresGrad: true)
    let parameters = [
      OptimizedParameter(theta, mask: Tensor([1, 0, 0]), rateScale: Tensor([2, 2, 2])),
      OptimizedParameter(theta, mask: Tensor([0, 1, 0])),
    ]
    let optimizer = try SGD(parameters, learningRate: 0.1, momentum: 0.9)
    #expect(optimizer.parameters.count == 1)
    theta.grad = Tensor([1, 1, 1])
    try optimizer.step()
    #expect(theta.value.scalars == [0.8, 0.9, 1])
  }

  @Test("random features and their complement together own each element once: one full step")
  func complementaryRandomFeatures() throws {
    let model = try network([3, 6, 2], seed: 4)
    let chosen = ParameterSelection.randomFeatures(defaultProbability: 0.5, seed: 7)
    let parameters =
      try [OptimizedParameter](chosen, in: model) + [OptimizedParameter](.complement(chosen), in: model)
    let optimizer = try SGD(parameters, learningRate: 0.1)
    #expect(optimizer.parameters.count == model.parameters.count)
    #expect(optimizer.parameters.allSatisfy { $0.mask == nil })
  }
}

@Suite("An optimizer owns its learning rate")
struct LearningRateOwnershipTests {
  @Test("the base rate stays as configured; the current rate follows the optimizer's schedule")
  func baseAndCurrent() throws {
    let theta = Variable(Tensor([0]), requiresGrad: true)
    let optimizer = try SGD(
      [OptimizedParameter(theta)], learningRate: 1, schedule: .step(every: 2, factor: 0.5))
    var rates: [Float] = []
    for _ in 0..<5 {
      rates.append(optimizer.currentLearningRate)
      theta.grad = Tensor([1])
      try optimizer.step()
    }
    #expect(rates == [1, 1, 0.5, 0.5, 0.25])
    #expect(optimizer.baseLearningRate == 1)
    #expect(abs((theta.value.scalar ?? .nan) + 3.25) < 1e-6)
  }
}

@Suite("Selections compare by value")
struct SelectionEqualityTests {
  @Test("random-feature selections with the same layer probabilities are equal whatever the dictionary order")
  func dictionaryOrder() {
    let keys = (0..<40).map { "layers.\($0)" }
    var forwards: [String: Float] = [:]
    for (index, key) in keys.enumerated() { forwards[key] = Float(index) / 40 }
    var backwards = [String: Float](minimumCapacity: 512)
    for (index, key) in keys.enumerated().reversed() { backwards[key] = Float(index) / 40 }
    let a = ParameterSelection.randomFeatures(defaultProbability: 0.5, probabilities: forwards, seed: 1)
    let b = ParameterSelection.randomFeatures(defaultProbability: 0.5, probabilities: backwards, seed: 1)
    #expect(a == b)
    #expect(a != .randomFeatures(defaultProbability: 0.5, probabilities: forwards, seed: 2))
    #expect(a.description == b.description, "the description sorts the layers")
  }
}
