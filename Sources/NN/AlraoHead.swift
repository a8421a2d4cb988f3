import Autodiff
import Glibc
import TensorCore

/// Alrao's output layer (Blier, Wolinski & Ollivier 2019): N copies of a linear head, held as
/// ONE stacked weight `[N, out, in]` and bias `[N, out]` so that all copies run as one product,
/// each copy with its own learning rate, combined by the switch posterior over copies.
///
/// Its forward gives the model's prediction with the posterior a as it is — log Σ_j a_j
/// softmax_j for classification (so the usual cross-entropy on it is the mixture's NLL, and
/// evaluation, `predict` and accuracy need nothing special); for regression a point prediction
/// by `prediction`: the mean of the highest-posterior copy (the reference code's, default) or
/// the posterior-weighted mean Σ_j a_j μ_j. In training mode it also keeps the copies' outputs
/// and its input, for `trainingLoss` (Alrao's objective, which never reads the forward's
/// output, so the prediction rule cannot change training) and the switch update after the step
/// (`commitSwitch`).
///
/// The posterior, the switch's state and the copies' rates are buffers, so a checkpoint saves
/// and reloads them with the copies; `prediction` is not a tensor, so the language's
/// checkpoints keep it in their metadata.
public final class AlraoHead: Module, HeadModule {
  /// `[N, out, in]`: copy j's weight is `weight[j]`.
  public let weight: Variable
  /// `[N, out]`, or nil when the replaced head had no bias.
  public let bias: Variable?
  /// `[N]`: each copy's learning rate, log-uniform over [ηmin, ηmax] (`classifierRates`).
  public let rates: Variable
  /// `[2, N]`: the switch's log weights (row 0 "more switches to come", row 1 "no more").
  public let switchLogWeights: Variable
  /// `[1]`: the number of switch updates so far.
  public let switchObservations: Variable
  public let likelihood: MixtureLikelihood
  /// The switch's θ: the prior probability of more switches (0: Bayesian model averaging).
  public var theta: Double
  /// Whether a minibatch's log-likelihood for the switch is the mean over its rows (the
  /// reference code) or the sum.
  public var batchLikelihood: BatchLikelihood = .mean

  /// How a regression head's copies give one point prediction (classification always predicts
  /// with the mixture).
  public var prediction: RegressionPrediction = .bestCopy

  /// How one minibatch counts for the switch.
  public enum BatchLikelihood: String, Sendable, CaseIterable {
    /// ll_j = −(copy j's batch-mean NLL): one tempered observation per minibatch.
    case mean
    /// ll_j = −(copy j's summed NLL): each sample an observation.
    case sum
  }

  /// How Gaussian copies' means become one point prediction (ALGORITHMS §2.7: the reference
  /// code's helper takes the best copy; the posterior-weighted mean is the recommended other).
  public enum RegressionPrediction: String, Sendable, CaseIterable {
    /// The mean of the copy with the highest posterior weight, ties to the lowest index (the
    /// reference code). A copy that diverged changes nothing while another one leads.
    case bestCopy
    /// Σ_j a_j μ_j. The switch never gives a copy exactly zero weight, so one copy whose mean
    /// is infinite makes the prediction infinite, however small its weight.
    case posteriorMean
  }

  /// What the last training-mode forward computed: its input (the trunk's output, flattened
  /// to rows) and the copies' outputs on it.
  public private(set) var lastForward: (input: Variable, copies: CopyOutputs)?
  /// Each copy's log-likelihood of the last training batch, from the outputs before the step's
  /// update, waiting for `commitSwitch`.
  public private(set) var pendingLogLikelihoods: [Double]?
  /// The copies whose own loss was not finite at the last training batch: they get no update.
  public private(set) var skippedCopies: Set<Int> = []

  /// Copy 0 is `head` itself (its values, copied); copies 1 … N−1 are fresh heads of its shape
  /// drawn from `generator`. So one copy is exactly the replaced head.
  public init(
    replacing head: Linear, copies: Int, rates: [Float], likelihood: MixtureLikelihood, theta: Double = 0.9999,
    prediction: RegressionPrediction = .bestCopy, generator: inout RandomGenerator
  ) throws {
    guard copies >= 1, rates.count == copies else {
      throw ModuleError("an Alrao head needs at least one copy and one rate per copy; got \(copies) and \(rates.count)")
    }
    var weights = head.weight.value.scalars
    var biases = head.bias?.value.scalars ?? []
    for _ in 1..<copies {
      let fresh = try Linear(head.inputCount, head.outputCount, bias: head.bias != nil, generator: &generator)
      weights += fresh.weight.value.scalars
      biases += fresh.bias?.value.scalars ?? []
    }
    let (outputs, inputs) = (head.outputCount, head.inputCount)
    weight = Variable(try Tensor(shape: [copies, outputs, inputs], values: weights), requiresGrad: true)
    bias = head.bias == nil ? nil : Variable(try Tensor(shape: [copies, outputs], values: biases), requiresGrad: true)
    self.rates = Variable(Tensor(rates))
    self.likelihood = likelihood
    self.theta = theta
    self.prediction = prediction
    let prior = SwitchPosterior(models: copies, theta: theta)
    switchLogWeights = Variable(
      try Tensor(shape: [2, copies], values: prior.logWeights.flatMap { $0.map(Float.init) }))
    switchObservations = Variable(Tensor([0]))
    super.init()
  }

  private init(copying original: AlraoHead) {
    weight = original.weight.copied()
    bias = original.bias?.copied()
    rates = original.rates.copied()
    switchLogWeights = original.switchLogWeights.copied()
    switchObservations = original.switchObservations.copied()
    likelihood = original.likelihood
    theta = original.theta
    batchLikelihood = original.batchLikelihood
    prediction = original.prediction
    super.init()
  }

  public var copies: Int { weight.shape[0] }
  public var outputCount: Int { weight.shape[1] }
  public var inputCount: Int { weight.shape[2] }
  public var classifierRates: [Float] { rates.value.scalars }

  /// The switch posterior as it stands (from the buffers, so a loaded checkpoint's).
  public var switchPosterior: SwitchPosterior {
    let values = switchLogWeights.value.scalars.map(Double.init)
    return SwitchPosterior(
      theta: theta, logWeights: [Array(values[0..<copies]), Array(values[copies...])],
      observations: Int(switchObservations.value.scalars[0]))
  }

  /// log a_j, the log posterior weight of each copy.
  public var logPosterior: [Double] { switchPosterior.logPosterior }
  /// a_j, the posterior weight of each copy.
  public var posterior: [Double] { logPosterior.map { Glibc.exp($0) } }

  /// The copy with the highest posterior weight, ties to the lowest index: the one the
  /// best-copy rule predicts with.
  public var bestCopy: Int { Self.highest(logPosterior) }

  /// The index of the largest value, the lowest on ties; a NaN never wins.
  static func highest(_ values: [Double]) -> Int {
    var best = values.firstIndex { !$0.isNaN } ?? 0
    for j in values.indices where values[j] > values[best] { best = j }
    return best
  }

  public override func forward(_ input: Variable) throws -> Variable {
    guard let features = input.shape.last, features == inputCount else {
      throw ModuleError(
        "the Alrao head takes \(inputCount) features but got input \(Tensor.describe(input.shape))")
    }
    let leading = Array(input.shape.dropLast())
    let rows = try input.shape.count == 2 ? input : input.reshaped([-1, features])
    let outputs = try rows.copyOutputs(weight: weight, bias: bias, likelihood: likelihood)
    lastForward = isTraining ? (rows, outputs) : nil
    let prediction =
      likelihood == .gaussian && self.prediction == .bestCopy
      ? try rows.copyMean(outputs, copy: bestCopy, weight: weight, bias: bias, likelihood: likelihood)
      : try rows.mixtureOutput(outputs, weight: weight, bias: bias, logWeights: logPosterior, likelihood: likelihood)
    return leading.count == 1 ? prediction : try prediction.reshaped(leading + [outputCount])
  }

  /// Alrao's objective on the last training forward (see `Variable.alraoLoss`): the mixture's
  /// NLL into the trunk, each copy's own NLL into that copy. Stores each copy's log-likelihood
  /// for the switch update after the step; a NaN one is an error naming the copy.
  public func trainingLoss(labels: [Int] = [], targets: Tensor? = nil) throws -> (loss: Variable, copyLosses: [Double])
  {
    guard let (input, outputs) = lastForward else {
      throw ModuleError("the Alrao head's loss needs a forward pass in training mode first")
    }
    lastForward = nil
    let (loss, losses) = try input.alraoLoss(
      outputs, weight: weight, bias: bias, logWeights: logPosterior, likelihood: likelihood, labels: labels,
      targets: targets)
    if losses.inputIsFinite, let bad = losses.perCopy.firstIndex(where: \.isNaN) {
      throw ModuleError(
        "the loss of Alrao's copy \(bad) (learning rate \(classifierRates[bad])) is NaN",
        help: "its weights went non-finite: lower maxLearningRate")
    }
    skippedCopies = Set(losses.perCopy.indices.filter { !losses.perCopy[$0].isFinite })
    let rows = Double(outputs.rows)
    pendingLogLikelihoods = losses.perCopy.map { batchLikelihood == .mean ? -$0 : -$0 * rows }
    return (loss, losses.perCopy)
  }

  /// The switch update with the log-likelihoods stored by `trainingLoss` — the outputs made
  /// before this step's update (prequential order). Nothing when there are none.
  public func commitSwitch() throws {
    guard let logLikelihoods = pendingLogLikelihoods else { return }
    pendingLogLikelihoods = nil
    var posterior = switchPosterior
    try posterior.observe(logLikelihoods)
    try store(posterior)
  }

  /// Forgets what the last step stored (a step that did not update).
  public func discardPending() {
    pendingLogLikelihoods = nil
    lastForward = nil
    skippedCopies = []
  }

  /// Writes a posterior into the buffers.
  public func store(_ posterior: SwitchPosterior) throws {
    switchLogWeights.value = try Tensor(
      shape: [2, copies], values: posterior.logWeights.flatMap { $0.map(Float.init) })
    switchObservations.value = Tensor([Float(posterior.observations)])
  }

  /// Hard catch-up (the reference code's option): every copy whose log posterior is below
  /// `threshold` gets the posterior-weighted average of all copies' parameters (its own tiny
  /// share included). Posterior and optimizer state are left as they are. Returns the copies
  /// replaced.
  @discardableResult
  public func catchUp(threshold: Double = -20) -> [Int] {
    let logPosterior = self.logPosterior
    let weak = logPosterior.indices.filter { logPosterior[$0] < threshold }
    guard !weak.isEmpty else { return [] }
    let weights = logPosterior.map { Glibc.exp($0) }
    let copies = self.copies
    for parameter in [weight] + (bias.map { [$0] } ?? []) {
      let size = parameter.value.count / copies
      parameter.value.withUnsafeMutableBufferPointer { values in
        var average = [Double](repeating: 0, count: size)
        for j in 0..<copies { for i in 0..<size { average[i] += weights[j] * Double(values[j * size + i]) } }
        for j in weak { for i in 0..<size { values[j * size + i] = Float(average[i]) } }
      }
    }
    return weak
  }

  public func replacement(outputs: Int, generator: inout RandomGenerator) throws -> Module {
    let template = try Linear(inputCount, outputs, bias: bias != nil, generator: &generator)
    let fresh = try AlraoHead(
      replacing: template, copies: copies, rates: classifierRates, likelihood: likelihood, theta: theta,
      prediction: prediction, generator: &generator)
    fresh.batchLikelihood = batchLikelihood
    return fresh
  }

  public override var ownParameters: [(name: String, variable: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override var ownBuffers: [(name: String, variable: Variable)] {
    [("rates", rates), ("switch_log_weights", switchLogWeights), ("switch_observations", switchObservations)]
  }

  public override func copy(withChildren children: [Module]) -> Module { AlraoHead(copying: self) }

  public override var configurationDescription: String {
    let regression = likelihood == .gaussian ? ", regression, prediction: .\(prediction.rawValue)" : ""
    return "AlraoHead(\(copies) × Linear(\(inputCount) → \(outputCount))\(regression))"
  }
}

extension Module {
  /// The model's Alrao head, when its head is one.
  public var alraoHead: AlraoHead? {
    guard let path = headPath else { return nil }
    return namedModules().first { $0.path == path }?.module as? AlraoHead
  }

  /// A deep copy whose head (`headPath`, a `Linear`) is an `AlraoHead` of `copies` copies with
  /// `rates`: copy 0 keeps the head's values, the others are drawn from `generator`.
  /// `prediction` is the regression head's point prediction.
  /// - Throws: `ModuleError` when the model has no `Linear` head.
  public func replacingHeadWithAlrao(
    copies: Int, rates: [Float], likelihood: MixtureLikelihood, theta: Double,
    prediction: AlraoHead.RegressionPrediction = .bestCopy, generator: inout RandomGenerator
  ) throws -> Module {
    guard let path = headPath, let head = namedModules().first(where: { $0.path == path })?.module as? Linear else {
      throw ModuleError(
        "Alrao replaces the model's last Linear layer with its classifier copies, but '\(configurationDescription)' has no Linear head",
        help: "end the model with a Linear layer (MLP, ConvNet, ResNet, CharLM and Transformer all do)")
    }
    let alrao = try AlraoHead(
      replacing: head, copies: copies, rates: rates, likelihood: likelihood, theta: theta, prediction: prediction,
      generator: &generator)
    alrao.setTraining(head.isTraining)
    let components = path.isEmpty ? [] : path.split(separator: ".").map(String.init)
    return try copy().replacing(at: components[...], with: alrao)
  }
}
