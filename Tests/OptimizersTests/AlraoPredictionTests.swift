import Autodiff
import Foundation
import NN
import Optimizers
import TensorCore
import Testing

/// The regression head's point prediction (ALGORITHMS §2.7): the reference code's best copy or
/// the posterior-weighted mean, against hand-computed values; the rule changes the prediction
/// only, never Alrao's training.
@Suite("Alrao's regression prediction rule")
struct AlraoPredictionTests {
  /// The head in evaluation mode on `input`, predicting by `rule`.
  static func predict(_ head: AlraoHead, _ rule: AlraoHead.RegressionPrediction, _ input: [[Float]]) throws -> [Float] {
    head.prediction = rule
    head.setTraining(false)
    let rows = try Tensor(shape: [input.count, input[0].count], values: input.flatMap { $0 })
    return try noGrad { try head(Variable(rows)) }.value.scalars
  }

  @Test("Posterior [0.3, 0.7], means μ1 = (0.5, −1), μ2 = (2, 3): best copy μ2, weighted 0.3 μ1 + 0.7 μ2")
  func handComputed() throws {
    let head = try AlraoOracleTests.biasHead([[0.5, -1], [2, 3]], posterior: [0.3, 0.7], likelihood: .gaussian)
    #expect(head.prediction == .bestCopy, "the reference code's rule is the default")
    #expect(head.bestCopy == 1)
    let input: [[Float]] = [[1], [-2]]
    expectClose(try Self.predict(head, .bestCopy, input), [2, 3, 2, 3], tolerance: 0, "best copy")
    expectClose(
      try Self.predict(head, .posteriorMean, input), [0.3 * 0.5 + 0.7 * 2, 0.3 * -1 + 0.7 * 3, 1.55, 1.8],
      tolerance: 1e-6, "posterior mean")
  }

  @Test("A copy with an infinite mean and a tiny weight: the best copy stays finite, the weighted mean does not")
  func divergedCopy() throws {
    let head = try AlraoOracleTests.biasHead(
      [[0.25], [1], [0]], weights: [1.5, -0.5, .infinity], posterior: [0.6, 0.4 - 1e-5, 1e-5], likelihood: .gaussian)
    let input: [[Float]] = [[1], [-2]]
    // Copy 0 leads: μ0 = 1.5 z + 0.25. Copy 2's means are +∞ and −∞.
    expectClose(try Self.predict(head, .bestCopy, input), [1.75, -2.75], tolerance: 1e-6, "best copy")
    let weighted = try Self.predict(head, .posteriorMean, input)
    #expect(weighted == [.infinity, -.infinity], "\(weighted)")
    // The best copy's gradient reads neither the diverged copy's means nor its weight.
    head.prediction = .bestCopy
    head.setTraining(false)
    let z = Variable(try Tensor(shape: [2, 1], values: [1, -2]), requiresGrad: true)
    try (try head(z)).sum().backward()
    #expect(z.grad?.scalars == [1.5, 1.5])
    #expect(head.weight.grad?.scalars == [-1, 0, 0], "copy 0: Σ z = −1; the others get zeros")
    #expect(head.bias?.grad?.scalars == [2, 0, 0])
  }

  @Test("Ties go to the lowest index; a NaN weight never wins")
  func ties() throws {
    let tied = try AlraoOracleTests.biasHead([[1], [2], [3]], posterior: [0.2, 0.4, 0.4], likelihood: .gaussian)
    #expect(tied.bestCopy == 1)
    expectClose(try Self.predict(tied, .bestCopy, [[0]]), [2], tolerance: 0, "the first of the tied copies")
    try tied.store(
      SwitchPosterior(
        theta: 0.9999, logWeights: [[.nan, log(0.3), log(0.7)], [-.infinity, -.infinity, -.infinity]],
        observations: 0))
    #expect(tied.bestCopy == 2)
  }

  @Test("Classification ignores the rule: the mixture log Σ a_j softmax_j either way")
  func classificationUnchanged() throws {
    let head = try AlraoOracleTests.biasHead(
      [[0.7, 0.2, 0.1].map { logf($0) }, [0.1, 0.3, 0.6].map { logf($0) }], posterior: [0.25, 0.75],
      likelihood: .categorical)
    let best = try Self.predict(head, .bestCopy, [[0]])
    let mean = try Self.predict(head, .posteriorMean, [[0]])
    #expect(best == mean)
    expectClose(best, [-1.3862943611, -1.2909841813, -0.7444404749], tolerance: 1e-6, "AL7's mixture")
    #expect(head.configurationDescription == "AlraoHead(2 × Linear(1 → 3))")
  }

  @Test("The description names the rule; copies and replacements keep it")
  func description() throws {
    let head = try AlraoOracleTests.biasHead([[1], [2]], posterior: [0.5, 0.5], likelihood: .gaussian)
    #expect(head.configurationDescription == "AlraoHead(2 × Linear(1 → 1), regression, prediction: .bestCopy)")
    head.prediction = .posteriorMean
    #expect(head.configurationDescription == "AlraoHead(2 × Linear(1 → 1), regression, prediction: .posteriorMean)")
    #expect((try head.copy() as? AlraoHead)?.prediction == .posteriorMean)
    var generator = RandomGenerator(seed: 1)
    #expect((try head.replacement(outputs: 2, generator: &generator) as? AlraoHead)?.prediction == .posteriorMean)
  }

  @Test("copyMean's backward matches finite differences")
  func copyMeanGradients() throws {
    var generator = RandomGenerator(seed: 4)
    let head = try AlraoHead(
      replacing: try Linear(3, 2, generator: &generator), copies: 3, rates: [0.1, 0.2, 0.3], likelihood: .gaussian,
      generator: &generator)
    let input = try Tensor.uniform([5, 3], low: -1, high: 1, generator: &generator)
    for copy in 0..<3 {
      try checkGradientsOf([input, head.weight.value, head.bias!.value]) { variables in
        let outputs = try variables[0].copyOutputs(weight: variables[1], bias: variables[2], likelihood: .gaussian)
        return try variables[0].copyMean(
          outputs, copy: copy, weight: variables[1], bias: variables[2], likelihood: .gaussian)
      }
    }
    let outputs = try Variable(input).copyOutputs(weight: head.weight, bias: head.bias, likelihood: .categorical)
    #expect(throws: TensorError.self) {
      _ = try Variable(input).copyMean(outputs, copy: 0, weight: head.weight, bias: head.bias, likelihood: .categorical)
    }
  }

  // MARK: - Training is the same under both rules

  /// A small regressor (4 → 8 → 2, tanh) and a batch of its data.
  static func regressionProblem(seed: UInt64) throws -> (model: Sequential, inputs: Tensor, targets: Tensor) {
    var generator = RandomGenerator(seed: seed)
    let model = Sequential([
      try Linear(4, 8, generator: &generator), Activation(.tanh), try Linear(8, 2, generator: &generator),
    ])
    let inputs = try Tensor.uniform([16, 4], low: -1, high: 1, generator: &generator)
    let targets = try Tensor.uniform([16, 2], low: -1, high: 1, generator: &generator)
    return (model, inputs, targets)
  }

  /// One Alrao step on regression targets; returns the reported loss.
  @discardableResult
  static func regressionStep(_ model: Module, _ optimizer: Alrao, _ inputs: Tensor, _ targets: Tensor) throws -> Float {
    _ = try optimizer.prepareStep()
    optimizer.zeroGradients()
    model.setTraining(true)
    _ = try model(Variable(inputs))
    let (loss, _) = try optimizer.head.trainingLoss(targets: targets)
    try loss.backward()
    try optimizer.step()
    optimizer.finishStep(updated: true)
    return loss.value.scalars[0]
  }

  /// The bit patterns of every parameter and buffer, so that NaN and ±∞ compare too.
  static func state(_ model: Module) -> [UInt32] {
    (model.namedParameters().map(\.variable) + model.namedBuffers().map(\.variable))
      .flatMap(\.value.scalars).map(\.bitPattern)
  }

  @Test("Alrao trains bit for bit the same under both rules, a diverged copy included; only the prediction differs")
  func trainingIgnoresTheRule() throws {
    let (plain, inputs, targets) = try Self.regressionProblem(seed: 21)
    var models: [Module] = []
    var losses: [[Float]] = []
    var frozen: [Bool] = []
    for rule in AlraoHead.RegressionPrediction.allCases {
      var generator = RandomGenerator(seed: 0)
      let model = try plain.replacingHeadWithAlrao(
        copies: 3, rates: [0.01, 0.3, 1], likelihood: .gaussian, theta: 0.9999, prediction: rule,
        generator: &generator)
      // Copy 2 has diverged the way a copy whose rate is too large does: its means overflow to
      // ∞ (an infinite bias), so its loss is infinite and it is never updated again.
      let head = try #require(model.alraoHead)
      head.bias?.value.withUnsafeMutableBufferPointer { $0[4] = .infinity }
      let diverged = Array(head.weight.value.scalars[32..<48])
      let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 0.01, maximum: 0.3, seed: 2))
      losses.append(try (0..<12).map { _ in try Self.regressionStep(model, optimizer, inputs, targets) })
      models.append(model)
      frozen.append(Array(head.weight.value.scalars[32..<48]) == diverged)
    }
    #expect(losses[0] == losses[1], "the reported mixture NLL")
    #expect(Self.state(models[0]) == Self.state(models[1]), "every weight, rate and the switch")
    #expect(frozen == [true, true], "the diverged copy is skipped at every step")
    // The same trained weights, two predictions: the best copy's close to the targets, the
    // weighted mean infinite through the diverged copy's small weight.
    func squaredError(_ model: Module) throws -> Double {
      let output = try noGrad { try model.withMode(training: false) { try model(Variable(inputs)) } }
      let differences = zip(output.value.scalars, targets.scalars).map { Double($0) - Double($1) }
      return differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)
    }
    let best = try squaredError(models[0])
    let weighted = try squaredError(models[1])
    #expect(best < 1, "best copy: \(best)")
    #expect(weighted == .infinity, "posterior mean: \(weighted)")
  }

  @Test("ALGORITHMS §4.3: one copy with ηmin = ηmax = η is plain SGD on the Gaussian NLL, under both rules")
  func oneCopyIsSGD() throws {
    for rule in AlraoHead.RegressionPrediction.allCases {
      let (plain, inputs, targets) = try Self.regressionProblem(seed: 22)
      var generator = RandomGenerator(seed: 0)
      let alraoModel = try plain.replacingHeadWithAlrao(
        copies: 1, rates: [0.3], likelihood: .gaussian, theta: 0.9999, prediction: rule, generator: &generator)
      let alrao = try Alrao(model: alraoModel, featureRates: AlraoFeatureRates(minimum: 0.3, maximum: 0.3, seed: 1))
      let sgd = try SGD([OptimizedParameter](plain), learningRate: 0.3)
      for _ in 0..<5 {
        try Self.regressionStep(alraoModel, alrao, inputs, targets)
        sgd.zeroGradients()
        // The copy's NLL is the batch mean of ½ Σ_k (y_k − μ_k)² + const: with two outputs its
        // gradient is the mean squared error's (the mean over rows and both outputs).
        try (try plain(Variable(inputs))).meanSquaredError(targets: targets).backward()
        try sgd.step()
      }
      let expected = plain.namedParameters().flatMap(\.variable.value.scalars)
      let got = alraoModel.namedParameters().flatMap(\.variable.value.scalars)
      #expect(got.count == expected.count)
      #expect(
        zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-5 },
        "\(rule): max difference \(zip(got, expected).map { abs($0 - $1) }.max() ?? 0)")
      let predicted = try noGrad { try alraoModel.withMode(training: false) { try alraoModel(Variable(inputs)) } }
      let reference = try noGrad { try plain.withMode(training: false) { try plain(Variable(inputs)) } }
      expectClose(
        predicted.value.scalars, reference.value.scalars.map(Double.init), tolerance: 1e-5, "\(rule): the prediction")
    }
  }
}
