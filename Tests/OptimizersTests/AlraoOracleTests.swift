import Autodiff
import Foundation
import NN
import Optimizers
import TensorCore
import Testing

/// The Alrao oracles of ALGORITHMS §4.2 (AL1–AL10), numbers from its oracle script.
@Suite("Alrao oracles (ALGORITHMS §4.2)")
struct AlraoOracleTests {
  @Test("AL1: the log-uniform map at u = 0, ¼, ½, ¾, 1 on two intervals")
  func logUniformMap() {
    let us = [0, 0.25, 0.5, 0.75, 1.0]
    let first = us.map { AlraoFeatureRates.logUniform($0, minimum: 1e-5, maximum: 10) }
    let second = us.map { AlraoFeatureRates.logUniform($0, minimum: 1e-3, maximum: 100) }
    let expectedFirst = [1e-5, 3.1622776602e-04, 1.0000000000e-02, 3.1622776602e-01, 10]
    let expectedSecond = [1e-3, 1.7782794100e-02, 3.1622776602e-01, 5.6234132519e+00, 100]
    for (got, want) in zip(first + second, expectedFirst + expectedSecond) {
      #expect(abs(got - want) <= 1e-9 * want, "η = \(got), expected \(want)")
    }
  }

  @Test("AL1: 100,000 draws have mean log10 η within 0.03 of −2 and std within 0.03 of 6/√12, all inside")
  func samplerStatistics() {
    let sampler = AlraoFeatureRates(minimum: 1e-5, maximum: 10, seed: 42)
    let rates = sampler.draw(100_000, key: "layers.0")
    let logs = rates.map { log10(Double($0)) }
    let mean = logs.reduce(0, +) / Double(logs.count)
    let std = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count)).squareRoot()
    #expect(abs(mean + 2) < 0.03, "mean log10 η = \(mean)")
    #expect(abs(std - 6 / 12.0.squareRoot()) < 0.03, "std log10 η = \(std)")
    #expect(rates.allSatisfy { $0 >= 1e-5 * (1 - 1e-6) && $0 <= 10 * (1 + 1e-6) })
    // A Kolmogorov–Smirnov-style bound on the empirical CDF of u = (log η − log lo) / (log hi − log lo).
    let us = logs.map { ($0 + 5) / 6 }.sorted()
    let distance = us.enumerated().map { abs(Double($0.offset + 1) / Double(us.count) - $0.element) }.max() ?? 1
    #expect(distance < 0.01, "KS distance \(distance)")
  }

  @Test("AL1: the same seed and key give the same rates; another seed or key others")
  func samplerIsSeededAndKeyed() {
    let sampler = AlraoFeatureRates(minimum: 1e-5, maximum: 10, seed: 7)
    #expect(sampler.draw(20, key: "a") == sampler.draw(20, key: "a"))
    #expect(sampler.draw(20, key: "a") != sampler.draw(20, key: "b"))
    #expect(sampler.draw(20, key: "a") != AlraoFeatureRates(minimum: 1e-5, maximum: 10, seed: 8).draw(20, key: "a"))
  }

  @Test("AL2: classifier rates log-evenly spaced from ηmin to ηmax; one copy takes ηmin")
  func classifierRates() {
    let ten = AlraoFeatureRates.classifierRates(count: 10, minimum: 1e-5, maximum: 10)
    let expected = [
      1.0000000000e-05, 4.6415888336e-05, 2.1544346900e-04, 1.0000000000e-03, 4.6415888336e-03, 2.1544346900e-02,
      1.0000000000e-01, 4.6415888336e-01, 2.1544346900e+00, 1.0000000000e+01,
    ]
    for (got, want) in zip(ten, expected) { #expect(abs(Double(got) - want) <= 1e-6 * want) }
    let six = AlraoFeatureRates.classifierRates(count: 6, minimum: 1e-3, maximum: 100)
    for (got, want) in zip(six, [1e-3, 1e-2, 0.1, 1, 10, 100]) { #expect(abs(Double(got) - want) <= 1e-6 * want) }
    let five = AlraoFeatureRates.classifierRates(count: 5, minimum: 1e-4, maximum: 1)
    for (got, want) in zip(five, [1e-4, 1e-3, 1e-2, 0.1, 1]) { #expect(abs(Double(got) - want) <= 1e-6 * want) }
    #expect(AlraoFeatureRates.classifierRates(count: 1, minimum: 1e-5, maximum: 10) == [1e-5])
    let ratios = zip(ten.dropFirst(), ten).map { Double($0) / Double($1) }
    #expect(ratios.allSatisfy { abs($0 - ratios[0]) < 1e-4 }, "constant ratios \(ratios)")
  }

  @Test("AL3: a per-feature SGD step with rates [0.1, 0.01] on a 2-unit Linear layer")
  func perFeatureStep() throws {
    let weight = Variable(try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
    let bias = Variable(Tensor([0.5, -0.5]), requiresGrad: true)
    let optimizer = try SGD(
      [
        OptimizedParameter(weight, rateScale: try Tensor(shape: [2, 3], values: [0.1, 0.1, 0.1, 0.01, 0.01, 0.01])),
        OptimizedParameter(bias, rateScale: Tensor([0.1, 0.01])),
      ], learningRate: 1)
    weight.grad = try Tensor(shape: [2, 3], values: [0.1, 0.2, 0.3, -0.1, 0, 0.1])
    bias.grad = Tensor([1, -1])
    try optimizer.step()
    expectClose(weight.value.scalars, [0.99, 1.98, 2.97, 4.001, 5.0, 5.999], tolerance: 1e-6, "W'")
    expectClose(bias.value.scalars, [0.4, -0.49], tolerance: 1e-6, "b'")
  }

  /// A one-weight trunk (Linear 1 → 1, no bias) before a one-copy Alrao head, every trunk rate η.
  static func oneWeightTrunk(rate: Float, base: Alrao.Base) throws -> (Variable, Alrao) {
    var generator = RandomGenerator(seed: 1)
    let model = Sequential([
      try Linear(1, 1, bias: false, generator: &generator), try Linear(1, 2, generator: &generator),
    ])
    let alrao = try model.replacingHeadWithAlrao(
      copies: 1, rates: [0.1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let trunk = try #require(alrao.namedParameters().first { $0.path == "0.weight" }?.variable)
    trunk.value = try Tensor(shape: [1, 1], values: [0])
    let optimizer = try Alrao(
      trunk: [OptimizedParameter(trunk, rateScale: try Tensor(shape: [1, 1], values: [rate]))],
      head: try #require(alrao.alraoHead), base: base)
    return (trunk, optimizer)
  }

  @Test("AL4: the reference code's √η-friction momentum for the trunk, η = 0.01, 0.25, 4")
  func sqrtRateMomentum() throws {
    let gradients: [Float] = [1.0, -0.5, 0.25, 2.0]
    let expected: [Float: [Double]] = [
      0.01: [-0.0100000000, -0.0141000000, -0.0203310000, -0.0460012100],
      0.25: [-0.2500000000, -0.2625000000, -0.3318750000, -0.8700312500],
      4.0: [-4, -2, -3, -11],
    ]
    let buffers: [Float: [Double]] = [
      0.01: [1.0, 0.41, 0.6231, 2.567021], 0.25: [1.0, 0.05, 0.2775, 2.152625], 4.0: [1, -0.5, 0.25, 2],
    ]
    for rate in [Float(0.01), 0.25, 4.0] {
      let (theta, optimizer) = try Self.oneWeightTrunk(
        rate: rate, base: .sgd(momentum: 0.9, rule: .sqrtRate, weightDecay: 0))
      var values: [Float] = []
      var buffer: [Float] = []
      for g in gradients {
        theta.grad = try Tensor(shape: [1, 1], values: [g])
        try optimizer.step()
        values.append(theta.value.scalars[0])
        buffer.append(optimizer.momentumBuffer(of: theta)?.scalars[0] ?? .nan)
      }
      expectClose(values, expected[rate]!, tolerance: 1e-5, "θ at η = \(rate)")
      expectClose(buffer, buffers[rate]!, tolerance: 1e-5, "buffer at η = \(rate)")
    }
  }

  @Test("AL4: the standard rule (the default) is PyTorch's heavy ball, not the √η friction")
  func standardMomentum() throws {
    let (theta, optimizer) = try Self.oneWeightTrunk(
      rate: 0.25, base: .sgd(momentum: 0.9, rule: .standard, weightDecay: 0))
    var values: [Float] = []
    for g: Float in [1.0, -0.5] {
      theta.grad = try Tensor(shape: [1, 1], values: [g])
      try optimizer.step()
      values.append(theta.value.scalars[0])
    }
    // buf = 1, then 0.9 − 0.5 = 0.4: θ = −0.25, −0.35.
    expectClose(values, [-0.25, -0.35], tolerance: 1e-6)
  }

  @Test("AL5: Alrao-Adam with ε added to √v, η = 0.01")
  func adam() throws {
    let (theta, optimizer) = try Self.oneWeightTrunk(
      rate: 0.01, base: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0))
    var values: [Float] = []
    for g: Float in [1.0, -2.0, 0.5] {
      theta.grad = try Tensor(shape: [1, 1], values: [g])
      try optimizer.step()
      values.append(theta.value.scalars[0])
    }
    expectClose(values, [-0.0099999968, -0.0063389621, -0.0049720556], tolerance: 2e-8)
  }

  static let switchLogLikelihoods: [[Double]] = [
    [-0.2, -1.0, -3.0], [-0.3, -0.8, -2.0], [-0.5, -0.4, -1.0], [-0.9, -0.3, -0.5], [-1.2, -0.3, -0.1],
    [-1.5, -0.4, -0.05],
  ]

  static func posteriors(theta: Double) throws -> [[Double]] {
    var posterior = SwitchPosterior(models: 3, theta: theta)
    var rows: [[Double]] = []
    for ll in switchLogLikelihoods {
      try posterior.observe(ll)
      rows.append(posterior.logPosterior.map { exp($0) })
    }
    return rows
  }

  static func expectRows(_ got: [[Double]], _ want: [[Double]], tolerance: Double = 1e-9) {
    for (t, (row, expected)) in zip(got, want).enumerated() {
      #expect(zip(row, expected).allSatisfy { abs($0 - $1) <= tolerance }, "t = \(t + 1): \(row) vs \(expected)")
    }
  }

  @Test("AL6: the switch posterior with θ = 0.9999 over six updates, and its 2×N log weights")
  func switchHighTheta() throws {
    Self.expectRows(
      try Self.posteriors(theta: 0.9999),
      [
        [0.4977784532, 0.3154356049, 0.1867859420], [0.5699839441, 0.2874665183, 0.1425495376],
        [0.5221836148, 0.3279302123, 0.1498861729], [0.3776550523, 0.4225228504, 0.1998220973],
        [0.2115680113, 0.4848886674, 0.3035433213], [0.1088293683, 0.4691202816, 0.4220503500],
      ])
    var posterior = SwitchPosterior(models: 3, theta: 0.9999)
    for ll in Self.switchLogLikelihoods { try posterior.observe(ll) }
    Self.expectRows(
      posterior.logWeights,
      [[-2.2182025663, -0.757168605, -0.8627990911], [-10.6019975346, -8.9648102363, -9.5516938328]])
  }

  @Test("AL6: the switch posterior with θ = 0.9")
  func switchLowerTheta() throws {
    Self.expectRows(
      try Self.posteriors(theta: 0.9),
      [
        [0.5142048780, 0.3136478006, 0.1721473214], [0.5968487394, 0.2788620382, 0.1242892224],
        [0.5551920845, 0.3168802746, 0.1279276410], [0.4086843543, 0.4188604821, 0.1724551635],
        [0.2274208096, 0.5014726236, 0.2711065667], [0.1085635605, 0.5019778888, 0.3894585507],
      ])
  }

  @Test("AL6c: θ = 0 is Bayesian model averaging")
  func bayesianAveraging() throws {
    Self.expectRows(
      try Self.posteriors(theta: 0),
      [
        [0.6621906873, 0.2975414556, 0.0402678572], [0.7790341411, 0.2123115713, 0.0086542876],
        [0.7645656491, 0.2302827481, 0.0051516028], [0.6414929967, 0.3520588211, 0.0064481822],
        [0.4201581474, 0.5671541759, 0.0126876767], [0.1929036581, 0.7822629080, 0.0248334338],
      ])
  }

  @Test("AL6: a −∞ log-likelihood keeps the re-entered mass; NaN is refused; one model never moves")
  func switchEdgeCases() throws {
    var posterior = SwitchPosterior(models: 3, theta: 0.9999)
    try posterior.observe([-0.5, -.infinity, -1.0])
    Self.expectRows([posterior.logPosterior.map { exp($0) }], [[0.4779107886, 0.1666500000, 0.3554392114]])
    try posterior.observe([-0.5, -0.5, -1.0])
    Self.expectRows([posterior.logPosterior.map { exp($0) }], [[0.4815358635, 0.2402651429, 0.2781989936]])
    #expect(throws: ModuleError.self) { try posterior.observe([-0.5, .nan, -1]) }
    var single = SwitchPosterior(models: 1, theta: 0.9999)
    try single.observe([-3])
    #expect(abs(single.logPosterior[0]) < 1e-12 && single.observations == 0)
    var shifted = SwitchPosterior(models: 3, theta: 0.9999)
    try shifted.observe(Self.switchLogLikelihoods[0].map { $0 - 5 })
    Self.expectRows([shifted.logPosterior.map { exp($0) }], [[0.4977784532, 0.3154356049, 0.1867859420]])
  }

  /// An Alrao head on one input feature whose copies' outputs are their biases (weights 0).
  static func biasHead(
    _ biases: [[Float]], weights: [Float]? = nil, posterior: [Double], likelihood: MixtureLikelihood
  ) throws -> AlraoHead {
    var generator = RandomGenerator(seed: 0)
    let outputs = biases[0].count
    let head = try AlraoHead(
      replacing: try Linear(1, outputs, generator: &generator), copies: biases.count,
      rates: [Float](repeating: 0.1, count: biases.count), likelihood: likelihood, generator: &generator)
    head.bias?.value = try Tensor(shape: [biases.count, outputs], values: biases.flatMap { $0 })
    head.weight.value = try Tensor(
      shape: [biases.count, outputs, 1],
      values: weights.map { w in w.flatMap { repeatElement($0, count: outputs) } }
        ?? [Float](repeating: 0, count: biases.count * outputs))
    let logs = posterior.map { log($0) }
    try head.store(
      SwitchPosterior(
        theta: 0.9999, logWeights: [logs, [Double](repeating: -.infinity, count: posterior.count)], observations: 0))
    return head
  }

  @Test("AL7: the mixture's log-probabilities and NLL")
  func mixtureOutput() throws {
    let head = try Self.biasHead(
      [[0.7, 0.2, 0.1].map { logf($0) }, [0.1, 0.3, 0.6].map { logf($0) }], posterior: [0.25, 0.75],
      likelihood: .categorical)
    head.setTraining(false)
    let output = try head(Variable(try Tensor.zeros([2, 1])))
    expectClose(
      output.value.scalars, [-1.3862943611, -1.2909841813, -0.7444404749, -1.3862943611, -1.2909841813, -0.7444404749],
      tolerance: 1e-6, "mixture log-probabilities")
    head.setTraining(true)
    _ = try head(Variable(try Tensor.zeros([2, 1])))
    let (loss, _) = try head.trainingLoss(labels: [0, 2])
    expectClose([loss.value.scalars[0]], [(1.3862943611 + 0.7444404749) / 2], tolerance: 1e-6, "mixture NLL")
  }

  @Test("AL7: the trunk's gradient is the responsibility-weighted sum of the copies' gradients")
  func responsibilities() throws {
    // With weights w_j on a one-feature input z, ∂(−log mixture)/∂z = Σ_j r_j (p_j − onehot)·w_j.
    let head = try Self.biasHead(
      [[0.7, 0.2, 0.1].map { logf($0) }, [0.1, 0.3, 0.6].map { logf($0) }], weights: [0, 0], posterior: [0.25, 0.75],
      likelihood: .categorical)
    // Give each copy a weight column so that the gradient of z reveals r_j: w_0 = e_k, w_1 = 0.
    head.weight.value = try Tensor(shape: [2, 3, 1], values: [1, 0, 0, 0, 0, 0])
    head.setTraining(true)
    let z = Variable(try Tensor.zeros([1, 1]), requiresGrad: true)
    _ = try head(z)
    let (loss, _) = try head.trainingLoss(labels: [0])
    try loss.backward()
    // Σ_j r_j (p_j − onehot)·w_j = r_0 (p_00 − 1) = 0.7 · (0.7 − 1) = −0.21.
    expectClose(z.grad?.scalars ?? [], [-0.21], tolerance: 1e-6, "dz")
  }

  @Test("AL9: Gaussian regression losses, per copy and of the mixture (σ² = 1)")
  func regressionLosses() throws {
    let head = try Self.biasHead([[0.5], [0.5]], weights: [0, 1.5], posterior: [0.3, 0.7], likelihood: .gaussian)
    head.setTraining(true)
    _ = try head(Variable(try Tensor(shape: [2, 1], values: [1, -1])))
    let (loss, copyLosses) = try head.trainingLoss(targets: try Tensor(shape: [2, 1], values: [1, 0]))
    expectClose([loss.value.scalars[0]], [1.2909874352], tolerance: 1e-6, "mixture NLL")
    expectClose(copyLosses.map(Float.init), [1.0439385332, 1.4189385332], tolerance: 1e-6, "own losses")
    head.setTraining(false)
    head.prediction = .posteriorMean
    let prediction = try head(Variable(try Tensor(shape: [2, 1], values: [1, -1])))
    expectClose(prediction.value.scalars, [0.3 * 0.5 + 0.7 * 2, 0.3 * 0.5 + 0.7 * -1], tolerance: 1e-6, "mean")
    head.prediction = .bestCopy
    let best = try head(Variable(try Tensor(shape: [2, 1], values: [1, -1])))
    expectClose(best.value.scalars, [2, -1], tolerance: 1e-6, "the best copy's mean (the reference code's)")
  }

  @Test("AL10: hard catch-up replaces the copies below −20 by the posterior-weighted average")
  func catchUp() throws {
    let logs = [0.6, 0.4 - 1e-9, 1e-9].map { log($0) }
    let posterior = SwitchPosterior(
      theta: 0.9999, logWeights: [logs, [-.infinity, -.infinity, -.infinity]], observations: 0)
    var generator = RandomGenerator(seed: 0)
    let wide = try AlraoHead(
      replacing: try Linear(2, 1, generator: &generator), copies: 3, rates: [0.1, 0.1, 0.1],
      likelihood: .categorical, generator: &generator)
    wide.weight.value = try Tensor(shape: [3, 1, 2], values: [1, 2, 3, -1, 100, 100])
    wide.bias?.value = try Tensor(shape: [3, 1], values: [0.5, -0.5, 9])
    try wide.store(posterior)
    #expect(wide.catchUp(threshold: -20) == [2])
    expectClose(Array(wide.weight.value.scalars[4...]), [1.800000097, 0.800000101], tolerance: 1e-5, "W")
    expectClose([wide.bias!.value.scalars[2]], [0.1000000095], tolerance: 1e-6, "b")
    expectClose(Array(wide.weight.value.scalars[..<4]), [1, 2, 3, -1], tolerance: 0, "the others stay")
  }

  @Test("AL8: one full Alrao-SGD step: trunk, both copies and the switch")
  func fullStep() throws {
    var generator = RandomGenerator(seed: 3)
    let plain = Sequential([
      try Linear(2, 3, generator: &generator), Activation(.tanh), try Linear(3, 2, generator: &generator),
    ])
    let model = try plain.replacingHeadWithAlrao(
      copies: 2, rates: [0.1, 1.0], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let first = try #require(model.children[0].module as? Linear)
    first.weight.value = try Tensor(shape: [3, 2], values: [0.1, -0.2, 0.3, 0.4, -0.5, 0.2])
    first.bias?.value = Tensor([0, 0.2, -0.1])
    let head = try #require(model.alraoHead)
    head.weight.value = try Tensor(
      shape: [2, 2, 3], values: [0.2, -0.1, 0.3, -0.3, 0.2, 0.1, -0.1, 0.4, 0.2, 0.1, -0.2, 0.3])
    head.bias?.value = try Tensor(shape: [2, 2], values: [0.05, -0.05, 0, 0])
    let unitRates: [Float] = [0.01, 0.1, 1.0]
    let optimizer = try Alrao(
      trunk: [
        OptimizedParameter(
          first.weight, rateScale: try Tensor(shape: [3, 2], values: unitRates.flatMap { [$0, $0] })),
        OptimizedParameter(first.bias!, rateScale: Tensor(unitRates)),
      ], head: head)
    model.setTraining(true)
    _ = try optimizer.prepareStep()
    _ = try model(Variable(try Tensor(shape: [2, 2], values: [1, -1, 0.5, 2])))
    let (loss, own) = try head.trainingLoss(labels: [0, 1])
    expectClose([loss.value.scalars[0]], [0.7053200639], tolerance: 1e-6, "mixture loss")
    expectClose(own.map(Float.init), [0.6026952629, 0.8335528463], tolerance: 1e-6, "own losses")
    try loss.backward()
    expectClose(
      first.weight.grad?.scalars ?? [],
      [-0.015132238, 0.1044783136, -0.0299634293, 0.058933501, 0.0000912061, 0.0339593421], tolerance: 1e-6, "grad W1")
    try optimizer.step()
    optimizer.finishStep(updated: true)
    expectClose(
      first.weight.value.scalars,
      [0.1001513224, -0.2010447831, 0.3029963429, 0.3941066499, -0.5000912061, 0.1660406579], tolerance: 1e-6, "W1")
    expectClose(first.bias!.value.scalars, [-0.0000273698, 0.2024169415, -0.1069013158], tolerance: 1e-6, "b1")
    expectClose(
      head.weight.value.scalars,
      [
        0.2141238172, -0.1149764532, 0.2830263396, -0.3141238172, 0.2149764532, 0.1169736604,
        0.0771232663, 0.1645093857, 0.0237709578, -0.0771232663, 0.0354906143, 0.4762290422,
      ], tolerance: 1e-6, "copies' W")
    expectClose(
      head.bias!.value.scalars, [0.0527289047, -0.0527289047, -0.0758972306, 0.0758972306], tolerance: 1e-6,
      "copies' b")
    expectClose(head.posterior.map(Float.init), [0.5287325877, 0.4712674123], tolerance: 1e-6, "posterior")
  }
}
