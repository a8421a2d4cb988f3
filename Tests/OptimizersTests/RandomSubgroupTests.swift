import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

/// ALGORITHMS §4.1 M8, M8b, M8c on the three-parameter quadratic, μ = 0, with the oracles'
/// masks injected; rows are θ after each step (slow elements still 0 after a fast step).
enum RandomSubgroupOracles {
  /// Slow masks per cycle: cycle 1 slow = {θ2}, cycle 2 slow = {θ1}.
  static let cycleMasks: [[Float]] = [[0, 1, 0], [1, 0, 0]]
  static let m8: [[Double]] = [
    [0.1000000000, 0.0000000000, 0.0500000000],
    [0.1800000000, 0.0000000000, 0.0975000000],
    [0.2440000000, -0.2228750000, 0.1426250000],
    [0.0000000000, -0.3041531250, 0.1910656250],
    [0.0000000000, -0.3785144531, 0.2391161719],
    [0.3842514453, -0.4588409121, 0.2866232246],
  ]
  static let m8b: [[Double]] = [
    [0.1000000000, 0.0000000000, 0.0500000000],
    [0.1800000000, -0.2125000000, 0.0975000000],
    [0.0000000000, -0.2936875000, 0.1479375000],
    [0.3373687500, -0.3770171875, 0.1978828125],
  ]
  /// The ablation's masks per step: {θ2}, {θ1}, {θ3}, {θ2}.
  static let stepMasks: [[Float]] = [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]
  static let m8c: [[Double]] = [
    [0.1000000000, 0.0000000000, 0.0500000000],
    [0.1000000000, -0.1012500000, 0.0975000000],
    [0.1850625000, -0.1961250000, 0.0975000000],
    [0.2480500000, -0.1961250000, 0.1426250000],
  ]
}

/// The given masks as an `ElementMaskSource` for the driver's variables.
private func given(_ masks: [[Float]], _ driver: QuadraticDriver) -> ElementMaskSource {
  .given { index in
    let mask = masks[index]
    return driver.variables.count == 1 ? [Tensor(mask)] : mask.map { Tensor([$0]) }
  }
}

private func parameters(_ driver: QuadraticDriver) -> [OptimizedParameter] {
  driver.variables.map { OptimizedParameter($0) }
}

@Suite("Random-subgroup multirate and its masking ablation (ALGORITHMS §1.8)")
struct RandomSubgroupTests {
  @Test(
    "M8 and M8b: k zeroed steps then a joint step (A), or k − 1 and the joint step as the k-th (B)",
    arguments: [RandomSubgroupMultirate.Interpretation.zeroedStepsThenJoint, .jointAsKthStep], [false, true])
  func m8(interpretation: RandomSubgroupMultirate.Interpretation, vector: Bool) throws {
    let driver = QuadraticDriver(.three, vector: vector)
    let optimizer = try RandomSubgroupMultirate(
      parameters(driver), slowProbabilities: driver.variables.map { _ in 0.5 }, k: 2, learningRate: 0.1,
      interpretation: interpretation, masks: given(RandomSubgroupOracles.cycleMasks, driver))
    let rows = interpretation == .zeroedStepsThenJoint ? RandomSubgroupOracles.m8 : RandomSubgroupOracles.m8b
    var start = driver.theta
    for (index, row) in rows.enumerated() {
      let cycleStart = (index % (optimizer.zeroedSteps + 1)) == 0
      if cycleStart { start = driver.theta }
      let slow = RandomSubgroupOracles.cycleMasks[index / (optimizer.zeroedSteps + 1)]
      try driver.step(optimizer) { expectClose(driver.theta, row, "step \(index + 1)") }
      let joint = driver.plans.last?.kind == "full"
      for (i, isSlow) in slow.enumerated() where isSlow == 1 && !joint {
        #expect(driver.theta[i] == start[i], "step \(index + 1): a slow element gets its value back after the step")
      }
    }
    #expect(
      driver.plans.map(\.kind) == rows.indices.map { ($0 + 1) % (optimizer.zeroedSteps + 1) == 0 ? "full" : "fast" })
  }

  @Test("M8c: the ablation masks a new subset every step, and only the active elements move")
  func m8c() throws {
    for vector in [false, true] {
      let driver = QuadraticDriver(.three, vector: vector)
      let optimizer = try RandomMaskingSGD(
        parameters(driver), maskProbabilities: driver.variables.map { _ in 0.5 }, learningRate: 0.1,
        masks: given(RandomSubgroupOracles.stepMasks, driver))
      for (index, row) in RandomSubgroupOracles.m8c.enumerated() {
        let before = driver.theta
        try driver.step(optimizer)
        // After the step the masked element holds its old value; the oracle row shows the same.
        expectClose(driver.theta, row, "step \(index + 1)")
        for (i, off) in RandomSubgroupOracles.stepMasks[index].enumerated() where off == 1 {
          #expect(driver.theta[i] == before[i])
        }
      }
    }
  }

  @Test("with momentum an element's buffer moves only when the element takes a step")
  func momentumPerElement() throws {
    let driver = QuadraticDriver(.three, vector: true)
    let optimizer = try RandomSubgroupMultirate(
      parameters(driver), slowProbabilities: [0.5], k: 2, learningRate: 0.1, momentum: 0.9,
      masks: given(RandomSubgroupOracles.cycleMasks, driver))
    try driver.step(optimizer)
    try driver.step(optimizer)
    let buffer = try #require(optimizer.momentumBuffer(of: driver.variables[0])).scalars
    #expect(buffer[1] == 0, "the slow element has had no step yet")
    #expect(buffer[0] != 0 && buffer[2] != 0)
    try driver.step(optimizer)
    #expect(optimizer.momentumBuffer(of: driver.variables[0])?.scalars[1] != 0, "the joint step moves it")
  }

  @Test("on a real network slow elements are exactly 0 in every fast step and their saved values at the joint step")
  func masksOnANetwork() throws {
    let model = try network([2, 16, 4], activation: .relu, seed: 31)
    let (inputs, labels) = try blobs(count: 32, seed: 32)
    let list = [OptimizedParameter](model)
    let optimizer = try RandomSubgroupMultirate(
      list, slowProbabilities: RandomSubgroupMultirate.layerProbabilities(model, includeBiases: true), k: 3,
      learningRate: 0.05, momentum: 0.9, masks: .random(seed: 7))
    let variables = list.map(\.variable)
    var saved: [[Float]] = []
    for step in 0..<8 {
      let position = step % 4
      if position == 0 { saved = variables.map(\.value.scalars) }
      let plan = try optimizer.prepareStep()
      for variable in variables {
        let slow = try #require(optimizer.slowElements(of: variable)).scalars
        let values = variable.value.scalars
        let index = variables.firstIndex { $0 === variable }!
        for i in slow.indices where slow[i] == 1 {
          #expect(values[i] == (position < 3 ? 0 : saved[index][i]), "step \(step), \(plan.kind)")
        }
      }
      for variable in variables { variable.zeroGrad() }
      try model(Variable(inputs)).crossEntropy(targets: labels).backward()
      try optimizer.step()
      optimizer.finishStep(updated: true)
      for (index, variable) in variables.enumerated() where position < 3 {
        let slow = optimizer.slowElements(of: variable)?.scalars ?? []
        for i in slow.indices where slow[i] == 1 { #expect(variable.value.scalars[i] == saved[index][i]) }
      }
    }
    #expect(optimizer.cycle == 2)
  }

  @Test("a step that stops before its update leaves no element at 0")
  func abortedStepRestores() throws {
    let theta = Variable(Tensor([1, 2, 3, 4]), requiresGrad: true)
    let optimizer = try RandomSubgroupMultirate(
      [OptimizedParameter(theta)], slowProbabilities: [0.5], k: 2, learningRate: 0.1,
      masks: .given { _ in [Tensor([1, 0, 1, 0])] })
    _ = try optimizer.prepareStep()
    #expect(theta.value.scalars == [0, 2, 0, 4])
    optimizer.finishStep(updated: false)
    #expect(theta.value.scalars == [1, 2, 3, 4])
    #expect(optimizer.stepCount == 0)
  }

  @Test("the fraction of slow elements per tensor follows its probability")
  func fractions() throws {
    let big = Variable(try Tensor.zeros([100, 100]), requiresGrad: true)
    let other = Variable(try Tensor.zeros([100, 100]), requiresGrad: true)
    let optimizer = try RandomSubgroupMultirate(
      [OptimizedParameter(big), OptimizedParameter(other)], slowProbabilities: [0.8, 0.5], k: 5, learningRate: 0.1,
      masks: .random(seed: 3))
    _ = try optimizer.prepareStep()
    optimizer.finishStep(updated: false)
    let fraction = { (v: Variable) in Double(optimizer.slowElements(of: v)!.scalars.reduce(0, +)) / 10_000 }
    #expect(abs(fraction(big) - 0.8) < 0.02)
    #expect(abs(fraction(other) - 0.5) < 0.02)
  }

  @Test("the paper's probabilities: 0.8 for the input layer's weights, 0.5 for later weights, biases optional")
  func layerProbabilities() throws {
    let model = try network([4, 8, 8, 3], seed: 1)
    #expect(RandomSubgroupMultirate.layerProbabilities(model) == [0.8, 0, 0.5, 0, 0.5, 0])
    #expect(RandomSubgroupMultirate.layerProbabilities(model, includeBiases: true) == [0.8, 0.8, 0.5, 0.5, 0.5, 0.5])
  }

  @Test("probabilities must match the parameters one to one and lie in [0, 1]")
  func badProbabilities() throws {
    let theta = OptimizedParameter(Variable(Tensor([1, 2])), origin: "'w'")
    let count = try #require(throws: ModuleError.self) {
      try RandomSubgroupMultirate([theta], slowProbabilities: [0.5, 0.5], k: 5, learningRate: 0.1)
    }
    #expect(count.description == "1 parameters need 1 slow probabilities but got 2")
    let range = try #require(throws: ModuleError.self) {
      try RandomMaskingSGD([theta], maskProbabilities: [1.5], learningRate: 0.1)
    }
    #expect(range.description == "the mask probability of 'w' must be in [0, 1] but is 1.5")
  }
}
