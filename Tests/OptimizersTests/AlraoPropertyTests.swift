import Autodiff
import Foundation
import NN
import Optimizers
import TensorCore
import Testing

/// The Alrao properties of ALGORITHMS §4.3 and the rate-tensor structure of AL3 for every layer
/// kind.
@Suite("Alrao properties (ALGORITHMS §4.3)")
struct AlraoPropertyTests {
  static let sampler = AlraoFeatureRates(minimum: 1e-5, maximum: 10, seed: 5)

  static func rates(_ module: Module, _ sampler: AlraoFeatureRates = sampler) throws -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: try sampler.rates(for: module).map { ($0.path, $0.rates) })
  }

  /// The values of `tensor` reshaped to rows along its first axis.
  static func rows(_ tensor: Tensor) -> [[Float]] {
    let size = tensor.count / tensor.shape[0]
    return (0..<tensor.shape[0]).map { Array(tensor.scalars[$0 * size..<($0 + 1) * size]) }
  }

  static func isConstant(_ values: [Float]) -> Bool { values.allSatisfy { $0 == values[0] } }

  @Test("AL3: Linear — a 4×3 weight with constant rows, bias rates equal to the row rates, all distinct")
  func linearStructure() throws {
    var generator = RandomGenerator(seed: 0)
    let rates = try Self.rates(try Linear(3, 4, generator: &generator))
    let weight = try #require(rates["weight"])
    #expect(weight.shape == [4, 3])
    #expect(Self.rows(weight).allSatisfy(Self.isConstant))
    #expect(Self.rows(weight).map { $0[0] } == rates["bias"]?.scalars)
    #expect(Set(weight.scalars).count == 4)
  }

  @Test("AL3: Conv2d — constant over each output channel's filter, shared with its bias")
  func convolutionStructure() throws {
    var generator = RandomGenerator(seed: 0)
    let rates = try Self.rates(try Conv2d(2, 5, kernelSize: 3, generator: &generator))
    let weight = try #require(rates["weight"])
    #expect(weight.shape == [5, 2, 3, 3])
    #expect(Self.rows(weight).allSatisfy(Self.isConstant))
    #expect(Self.rows(weight).map { $0[0] } == rates["bias"]?.scalars)
    #expect(Set(weight.scalars).count == 5)
  }

  @Test("AL3: LSTM per unit (paper) — one H-vector for all four gates of both matrices and both biases")
  func lstmPerUnit() throws {
    var generator = RandomGenerator(seed: 0)
    let hidden = 3
    let rates = try Self.rates(try LSTM(inputSize: 2, hiddenSize: hidden, layers: 2, generator: &generator))
    for layer in 0..<2 {
      let units = Array(try #require(rates["bias_ih_l\(layer)"]).scalars[0..<hidden])
      let tiled = (0..<(4 * hidden)).map { units[$0 % hidden] }
      for name in ["weight_ih_l\(layer)", "weight_hh_l\(layer)"] {
        let rows = Self.rows(try #require(rates[name]))
        #expect(rows.allSatisfy(Self.isConstant) && rows.map { $0[0] } == tiled, "\(name)")
      }
      #expect(rates["bias_ih_l\(layer)"]?.scalars == tiled && rates["bias_hh_l\(layer)"]?.scalars == tiled)
      #expect(Set(units).count == hidden)
    }
    #expect(rates["bias_ih_l0"]?.scalars != rates["bias_ih_l1"]?.scalars, "each layer its own units")
  }

  @Test("AL3: LSTM per gate row (reference code) — 4H independent row rates per matrix, biases share them")
  func lstmPerGateRow() throws {
    var generator = RandomGenerator(seed: 0)
    let hidden = 3
    var sampler = Self.sampler
    sampler.lstmFeatures = .perGateRow
    let rates = try Self.rates(try LSTM(inputSize: 2, hiddenSize: hidden, generator: &generator), sampler)
    let input = Self.rows(try #require(rates["weight_ih_l0"]))
    let recurrent = Self.rows(try #require(rates["weight_hh_l0"]))
    #expect(input.allSatisfy(Self.isConstant) && recurrent.allSatisfy(Self.isConstant))
    #expect(Set(input.map { $0[0] }).count == 4 * hidden && Set(recurrent.map { $0[0] }).count == 4 * hidden)
    #expect(input.map { $0[0] } != recurrent.map { $0[0] })
    #expect(rates["bias_ih_l0"]?.scalars == input.map { $0[0] })
    #expect(rates["bias_hh_l0"]?.scalars == recurrent.map { $0[0] })
  }

  @Test("AL3: Embedding and PositionalEmbedding — constant per column (dimension)")
  func embeddingStructure() throws {
    var generator = RandomGenerator(seed: 0)
    for module in [
      try Embedding(6, 4, generator: &generator) as Module, try PositionalEmbedding(5, 4, generator: &generator),
    ] {
      let weight = try #require(try Self.rates(module)["weight"])
      let rows = Self.rows(weight)
      #expect(rows.allSatisfy { $0 == rows[0] }, "\(module.typeName): every row the same vector")
      #expect(Set(rows[0]).count == 4)
    }
  }

  @Test("AL3: attention — one rate per output feature of the q/k/v projection; out_proj as a Linear")
  func attentionStructure() throws {
    var generator = RandomGenerator(seed: 0)
    let rates = try Self.rates(try MultiheadAttention(embedDimension: 4, heads: 2, generator: &generator))
    let projection = Self.rows(try #require(rates["in_proj_weight"]))
    #expect(projection.count == 12 && projection.allSatisfy(Self.isConstant))
    #expect(rates["in_proj_bias"]?.scalars == projection.map { $0[0] })
    let output = Self.rows(try #require(rates["out_proj.weight"]))
    #expect(output.allSatisfy(Self.isConstant) && rates["out_proj.bias"]?.scalars == output.map { $0[0] })
  }

  @Test("AL3: BatchNorm and LayerNorm — one rate per channel shared by scale and shift")
  func normalisationStructure() throws {
    for module in [try BatchNorm(3, spatial: true) as Module, try LayerNorm(3)] {
      let rates = try Self.rates(module)
      #expect(rates["weight"]?.scalars == rates["bias"]?.scalars, "\(module.typeName)")
      #expect(Set(try #require(rates["weight"]).scalars).count == 3)
    }
  }

  @Test("Per-weight variant: every scalar its own rate; trainable fraction γ: about 1 − γ of features at 0")
  func variants() throws {
    var generator = RandomGenerator(seed: 0)
    let linear = try Linear(20, 200, generator: &generator)
    var perWeight = Self.sampler
    perWeight.perWeight = true
    let weight = try #require(try Self.rates(linear, perWeight)["weight"])
    #expect(Set(weight.scalars).count > weight.count * 99 / 100, "independent draws (a few Float ties)")
    #expect(Self.rows(weight).filter(Self.isConstant).isEmpty)
    var fraction = Self.sampler
    fraction.trainableFraction = 0.25
    let rows = Self.rows(try #require(try Self.rates(linear, fraction)["weight"])).map { $0[0] }
    let frozen = rows.filter { $0 == 0 }.count
    #expect((120...180).contains(frozen), "\(frozen) of 200 features frozen, expected about 150")
    #expect(rows.filter { $0 != 0 }.allSatisfy { $0 >= 1e-5 * 0.999 && $0 <= 10 * 1.001 })
  }

  @Test("Rates are keyed by path: the same layer gets the same rates whatever comes before it or is left out")
  func keyedByPath() throws {
    var generator = RandomGenerator(seed: 0)
    let model = Sequential([
      try Linear(2, 3, generator: &generator), Activation(.tanh), try Linear(3, 4, generator: &generator),
    ])
    let all = try Self.rates(model)
    let withoutHead = Dictionary(
      uniqueKeysWithValues: try Self.sampler.rates(for: model, excluding: "2").map { ($0.path, $0.rates) })
    #expect(withoutHead.keys.sorted() == ["0.bias", "0.weight"])
    #expect(withoutHead["0.weight"] == all["0.weight"])
    // Another model whose layer "2" is the same shape draws the same rates for it.
    let other = Sequential([
      try Linear(5, 3, generator: &generator), Activation(.relu), try Linear(3, 4, generator: &generator),
    ])
    #expect(try Self.rates(other)["2.weight"] == all["2.weight"])
  }

  // MARK: - Training properties

  /// A small classifier and a batch of its data.
  static func problem(seed: UInt64) throws -> (model: Sequential, inputs: Tensor, labels: [Int]) {
    var generator = RandomGenerator(seed: seed)
    let model = Sequential([
      try Linear(4, 8, generator: &generator), Activation(.tanh), try Linear(8, 3, generator: &generator),
    ])
    let inputs = try Tensor.uniform([16, 4], low: -1, high: 1, generator: &generator)
    let labels = (0..<16).map { _ in Int(generator.next() % 3) }
    return (model, inputs, labels)
  }

  /// One Alrao step: forward, Alrao's objective, backward, update, switch. Returns the
  /// copies' own losses of the forward.
  @discardableResult
  static func alraoStep(_ model: Module, _ optimizer: Alrao, _ inputs: Tensor, _ labels: [Int]) throws -> [Double] {
    _ = try optimizer.prepareStep()
    optimizer.zeroGradients()
    model.setTraining(true)
    _ = try model(Variable(inputs))
    let (loss, own) = try optimizer.head.trainingLoss(labels: labels)
    try loss.backward()
    try optimizer.step()
    optimizer.finishStep(updated: true)
    return own
  }

  @Test("One copy with ηmin = ηmax = η is plain SGD with rate η: the same parameters over five steps")
  func oneCopyIsSGD() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 11)
    var generator = RandomGenerator(seed: 0)
    let alraoModel = try plain.replacingHeadWithAlrao(
      copies: 1, rates: [0.3], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let alrao = try Alrao(model: alraoModel, featureRates: AlraoFeatureRates(minimum: 0.3, maximum: 0.3, seed: 1))
    let sgd = try SGD([OptimizedParameter](plain), learningRate: 0.3)
    for _ in 0..<5 {
      try Self.alraoStep(alraoModel, alrao, inputs, labels)
      sgd.zeroGradients()
      try (try plain(Variable(inputs))).crossEntropy(targets: labels).backward()
      try sgd.step()
    }
    let expected = plain.namedParameters().flatMap(\.variable.value.scalars)
    let got = alraoModel.namedParameters().flatMap(\.variable.value.scalars)
    #expect(got.count == expected.count)
    #expect(
      zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-5 },
      "max difference \(zip(got, expected).map { abs($0 - $1) }.max() ?? 0)")
    #expect(abs((alraoModel.alraoHead?.posterior[0] ?? 0) - 1) < 1e-9)
    #expect(alraoModel.alraoHead?.switchPosterior.observations == 0)
  }

  @Test("Identical copies with identical rates keep a uniform posterior")
  func identicalCopies() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 12)
    var generator = RandomGenerator(seed: 0)
    let model = try plain.replacingHeadWithAlrao(
      copies: 4, rates: [0.1, 0.1, 0.1, 0.1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let head = try #require(model.alraoHead)
    let copy0 = Array(head.weight.value.scalars[0..<24])
    head.weight.value = try Tensor(shape: [4, 3, 8], values: Array([[Float]](repeating: copy0, count: 4).joined()))
    head.bias?.value = try Tensor(
      shape: [4, 3], values: Array(repeatElement(Array(head.bias!.value.scalars[0..<3]), count: 4).joined()))
    let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 0.01, maximum: 1, seed: 2))
    for _ in 0..<4 { try Self.alraoStep(model, optimizer, inputs, labels) }
    #expect(head.posterior.allSatisfy { abs($0 - 0.25) < 1e-6 }, "\(head.posterior)")
    #expect(head.switchPosterior.observations == 4)
  }

  @Test("The trunk gets only the mixture's gradient, each copy only its own loss's gradient")
  func gradientSeparation() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 13)
    var generator = RandomGenerator(seed: 0)
    let model = try plain.replacingHeadWithAlrao(
      copies: 3, rates: [0.01, 0.1, 1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let head = try #require(model.alraoHead)
    try head.store(
      SwitchPosterior(theta: 0.9999, logWeights: [[-0.5, -1.5, -2.0].map { $0 }, [-5, -6, -7]], observations: 3))
    let trunkWeight = try #require(model.children[0].module as? Linear).weight
    // Alrao's objective.
    model.setTraining(true)
    _ = try model(Variable(inputs))
    let (loss, _) = try head.trainingLoss(labels: labels)
    try loss.backward()
    let alraoTrunk = try #require(trunkWeight.grad)
    let alraoCopies = try #require(head.weight.grad)
    // The mixture alone, through the plain mixture output and NLL: the trunk's gradient.
    model.zeroGradients()
    model.setTraining(false)
    try (try model(Variable(inputs))).negativeLogLikelihood(targets: labels).backward()
    let mixtureTrunk = try #require(trunkWeight.grad)
    let mixtureCopies = try #require(head.weight.grad)
    #expect(zip(alraoTrunk.scalars, mixtureTrunk.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
    // Each copy on its own, on the detached trunk output: the copies' gradient.
    let hidden = try noGrad { try model.children[1].module(try model.children[0].module(Variable(inputs))) }
    for copy in 0..<3 {
      let weight = Variable(
        try Tensor(shape: [3, 8], values: Array(head.weight.value.scalars[copy * 24..<(copy + 1) * 24])),
        requiresGrad: true)
      let bias = Variable(
        Tensor(Array(head.bias!.value.scalars[copy * 3..<(copy + 1) * 3])), requiresGrad: true)
      try (try hidden.linear(weight: weight, bias: bias)).crossEntropy(targets: labels).backward()
      let own = Array(alraoCopies.scalars[copy * 24..<(copy + 1) * 24])
      #expect(zip(own, weight.grad!.scalars).allSatisfy { abs($0 - $1) <= 1e-6 }, "copy \(copy)")
      let mixed = Array(mixtureCopies.scalars[copy * 24..<(copy + 1) * 24])
      #expect(zip(own, mixed).contains { abs($0 - $1) > 1e-4 }, "the mixture's gradient for copy \(copy) differs")
    }
  }

  @Test("The switch uses the outputs before the update, not after")
  func prequentialSwitch() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 14)
    var generator = RandomGenerator(seed: 0)
    let model = try plain.replacingHeadWithAlrao(
      copies: 3, rates: [0.01, 0.3, 3], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 0.01, maximum: 3, seed: 4))
    let before = try Self.alraoStep(model, optimizer, inputs, labels)
    var expected = SwitchPosterior(models: 3, theta: 0.9999)
    try expected.observe(before.map { -$0 })
    #expect(zip(optimizer.head.posterior, expected.logPosterior.map { exp($0) }).allSatisfy { abs($0 - $1) < 1e-6 })
    // After the update the copies' losses have changed, so a switch fed with them would differ.
    model.setTraining(true)
    _ = try model(Variable(inputs))
    let after = try optimizer.head.trainingLoss(labels: labels).copyLosses
    optimizer.head.discardPending()
    var recomputed = SwitchPosterior(models: 3, theta: 0.9999)
    try recomputed.observe(after.map { -$0 })
    #expect(zip(recomputed.logPosterior, expected.logPosterior).contains { abs($0 - $1) > 1e-4 })
  }

  @Test("A step that did not update leaves the switch alone; N = 1 never changes it")
  func noUpdateNoSwitch() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 15)
    var generator = RandomGenerator(seed: 0)
    let model = try plain.replacingHeadWithAlrao(
      copies: 2, rates: [0.01, 1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 0.01, maximum: 1, seed: 4))
    model.setTraining(true)
    _ = try model(Variable(inputs))
    _ = try optimizer.head.trainingLoss(labels: labels)
    optimizer.finishStep(updated: false)
    #expect(optimizer.head.switchPosterior.observations == 0 && optimizer.head.pendingLogLikelihoods == nil)
  }

  @Test("A copy whose own loss is infinite gets no update (D-AL-10); a NaN loss is an error naming the copy")
  func nonFiniteCopies() throws {
    let (plain, inputs, labels) = try Self.problem(seed: 16)
    var generator = RandomGenerator(seed: 0)
    let model = try plain.replacingHeadWithAlrao(
      copies: 3, rates: [0.01, 0.1, 1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let head = try #require(model.alraoHead)
    // Copy 1 puts a score of 3e38 on class 0 and −3e38 on the others: log-probabilities −∞ there.
    var weights = head.weight.value.scalars
    for index in 24..<48 { weights[index] = 0 }
    head.weight.value = try Tensor(shape: [3, 3, 8], values: weights)
    var biases = head.bias!.value.scalars
    biases.replaceSubrange(3..<6, with: [3e38, -3e38, -3e38])
    head.bias!.value = try Tensor(shape: [3, 3], values: biases)
    let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 0.01, maximum: 1, seed: 4))
    let before = head.weight.value.scalars
    let biasBefore = head.bias!.value.scalars
    let own = try Self.alraoStep(model, optimizer, inputs, labels.map { $0 == 0 ? 1 : $0 })
    #expect(own[1] == .infinity && own[0].isFinite && own[2].isFinite)
    let after = head.weight.value.scalars
    #expect(
      Array(after[24..<48]) == Array(before[24..<48])
        && Array(head.bias!.value.scalars[3..<6]) == Array(biasBefore[3..<6]))
    #expect(Array(after[0..<24]) != Array(before[0..<24]) && Array(after[48..<72]) != Array(before[48..<72]))
    #expect(model.parameters.allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) || $0 === head.bias })
    #expect((0.1..<0.2).contains(head.posterior[1]), "the −∞ copy keeps only the re-entered mass (about 1/6 at t = 1)")
    // A NaN score makes the copy's loss NaN: refused, with the copy and its rate named.
    biases[3] = .nan
    head.bias!.value = try Tensor(shape: [3, 3], values: biases)
    model.setTraining(true)
    _ = try model(Variable(inputs))
    #expect {
      _ = try head.trainingLoss(labels: labels)
    } throws: { error in
      "\(error)".contains("the loss of Alrao's copy 1 (learning rate 0.1) is NaN")
    }
  }

  @Test("The mixture output's backward matches finite differences (categorical and Gaussian)")
  func mixtureGradients() throws {
    var generator = RandomGenerator(seed: 9)
    for likelihood in [MixtureLikelihood.categorical, .gaussian] {
      let head = try AlraoHead(
        replacing: try Linear(3, 4, generator: &generator), copies: 3, rates: [0.1, 0.2, 0.3],
        likelihood: likelihood, generator: &generator)
      try head.store(
        SwitchPosterior(theta: 0.9, logWeights: [[-0.5, -1.5, -2.0], [-3, -4, -5]], observations: 2))
      let logWeights = head.logPosterior
      let input = try Tensor.uniform([5, 3], low: -1, high: 1, generator: &generator)
      try checkGradientsOf([input, head.weight.value, head.bias!.value]) { variables in
        let outputs = try variables[0].copyOutputs(weight: variables[1], bias: variables[2], likelihood: likelihood)
        return try variables[0].mixtureOutput(
          outputs, weight: variables[1], bias: variables[2], logWeights: logWeights, likelihood: likelihood)
      }
    }
  }
}

/// Central differences of Σ output ⊙ R against the backward pass, for every input element.
func checkGradientsOf(_ inputs: [Tensor], _ function: ([Variable]) throws -> Variable) throws {
  var generator = RandomGenerator(seed: 77)
  let variables = inputs.map { Variable($0, requiresGrad: true) }
  let output = try function(variables)
  let weights = try Tensor.uniform(output.shape, low: -1, high: 1, generator: &generator)
  try (output * Variable.constant(weights)).sum().backward()
  func objective(_ values: [Tensor]) throws -> Double {
    let result = try noGrad { try function(values.map { Variable($0) }) }.value
    return zip(result.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  for (index, input) in inputs.enumerated() {
    let analytic = try #require(variables[index].grad)
    for element in 0..<input.count {
      var values = inputs
      values[index].withUnsafeMutableBufferPointer { $0[element] += 1e-2 }
      let plus = try objective(values)
      values[index].withUnsafeMutableBufferPointer { $0[element] -= 2e-2 }
      let minus = try objective(values)
      let numeric = Float((plus - minus) / 2e-2)
      #expect(abs(analytic.scalars[element] - numeric) <= 1e-2 * max(1, abs(numeric)), "input \(index)[\(element)]")
    }
  }
}
