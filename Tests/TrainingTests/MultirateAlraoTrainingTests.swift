import Autodiff
import Datasets
import Foundation
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

/// Alrao on multirate's clock (beyond both papers), checked against its two ancestors: with
/// k = 1 it is Alrao, with one copy and ηmin = ηmax = η it is Multirate with SGD at η.
@Suite("Alrao on multirate's clock")
struct MultirateAlraoTrainingTests {
  let blobs = Dataset.blobs(points: 480, classes: 3, spread: 0.5, seed: 2)

  func configuration(epochs: Int = 2, seed: UInt64 = 0) -> FitConfiguration {
    FitConfiguration(epochs: epochs, batchSize: 32, seed: seed)
  }

  func run(_ recipe: any OptimizerRecipe, model: Module, on train: Dataset, epochs: Int = 2) throws -> RunRecord {
    let configuration = configuration(epochs: epochs)
    let (prepared, optimizer, objective) = try recipe.start(
      model, task: train.task, plan: RunPlan(configuration, samples: train.count))
    return try Fit.run(
      model: prepared, optimizer: optimizer, optimizerDescription: recipe.description, on: train, validation: nil,
      configuration: configuration, objective: objective)
  }

  static func values(_ model: Module) -> [Float] { model.namedParameters().flatMap(\.variable.value.scalars) }

  @Test("With k = 1 it is Alrao: the same losses, parameters, rates and posterior, step for step")
  func kOneIsAlrao() throws {
    for momentum: Float in [0, 0.9] {
      let alrao = try AlraoRecipe(
        minimumLearningRate: 1e-4, maximumLearningRate: 3, classifiers: 4,
        base: .sgd(momentum: momentum, rule: .standard, weightDecay: 1e-3))
      let combined = try MultirateAlraoRecipe(alrao: alrao, partition: .fast(.head), k: 1)
      let reference = try run(alrao, model: try planeClassifier(classes: 3, seed: 3), on: blobs)
      let clocked = try run(combined, model: try planeClassifier(classes: 3, seed: 3), on: blobs)
      #expect(clocked.status == .completed)
      #expect(clocked.stepLosses == reference.stepLosses, "μ = \(momentum)")
      #expect(Self.values(clocked.model) == Self.values(reference.model), "μ = \(momentum)")
      #expect(clocked.alrao == reference.alrao, "rates and the posterior after every step, μ = \(momentum)")
      #expect(clocked.stepKinds.keys.sorted() == ["full"])
    }
  }

  @Test("With one copy and ηmin = ηmax = η it is Multirate with SGD at the per-step rate η")
  func oneCopyIsMultirateSGD() throws {
    let rate: Float = 0.05
    let plainModel = try planeClassifier(classes: 3, seed: 4)
    let configuration = configuration(epochs: 2)
    let multirate = try Multirate(
      fast: [OptimizedParameter](.head, in: plainModel), slow: [OptimizedParameter](.trunk, in: plainModel), k: 3,
      learningRate: rate, rule: .sgd(momentum: 0.9), model: plainModel)
    let plain = try Fit.run(
      model: plainModel, optimizer: multirate, optimizerDescription: "Multirate(SGD)", on: blobs, validation: nil,
      configuration: configuration)

    var generator = RandomGenerator(seed: 0)
    let alraoModel = try planeClassifier(classes: 3, seed: 4).replacingHeadWithAlrao(
      copies: 1, rates: [rate], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let combined = try MultirateAlrao(
      model: alraoModel, featureRates: AlraoFeatureRates(minimum: rate, maximum: rate, seed: 1), slow: .trunk, k: 3,
      momentum: 0.9)
    let clocked = try Fit.run(
      model: alraoModel, optimizer: combined, optimizerDescription: "Multirate(Alrao)", on: blobs, validation: nil,
      configuration: configuration, objective: AlraoObjective(combined))

    #expect(clocked.status == .completed && plain.status == .completed)
    let (got, expected) = (Self.values(clocked.model), Self.values(plain.model))
    #expect(got.count == expected.count)
    let largest = zip(got, expected).map { abs($0 - $1) }.max() ?? .infinity
    #expect(largest <= 1e-5, "largest difference \(largest)")
    #expect(Self.values(plain.model) != Self.values(try planeClassifier(classes: 3, seed: 4)), "the models trained")
    #expect(clocked.stepKinds["full"]?.steps == plain.stepKinds["full"]?.steps)
    #expect(clocked.stepKinds["fast"]?.steps == plain.stepKinds["fast"]?.steps)
    #expect(clocked.model.alraoHead?.switchPosterior.observations == 0, "one copy: the switch never moves")
  }

  @Test("Fast steps differentiate only the copies, the trunk drifts by its own rates, the switch moves every step")
  func fastSteps() throws {
    let batch = try blobs.batch(Array(0..<32), epoch: 0)
    let (inputs, labels) = (batch.inputs, batch.labels)
    var generator = RandomGenerator(seed: 0)
    let model = try planeClassifier(classes: 3, seed: 5).replacingHeadWithAlrao(
      copies: 3, rates: [0.01, 0.1, 1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let optimizer = try MultirateAlrao(
      model: model, featureRates: AlraoFeatureRates(minimum: 1e-3, maximum: 1, seed: 7), slow: .trunk, k: 3)
    let head = optimizer.head
    let trunk = optimizer.featureRates
    #expect(trunk.count == 2, "the hidden layer's weight and bias")
    let objective = AlraoObjective(optimizer)
    var kinds: [String] = []
    for step in 0..<6 {
      let plan = try optimizer.prepareStep()
      kinds.append(plan.kind)
      let before = trunk.map(\.variable.value)
      let directions = trunk.map { optimizer.momentumBuffer(of: $0.variable) }
      optimizer.zeroGradients()
      model.setTraining(true)
      try GradientMode.differentiating(only: plan.parameters ?? []) {
        let output = try model(Variable(inputs))
        let measured = try objective.measure(
          output, on: Batch(inputs: inputs, labels: labels, count: labels.count), task: .classification(classes: 3))
        try measured.loss.backward()
      }
      if plan.kind == "fast" {
        #expect(trunk.allSatisfy { $0.variable.grad == nil }, "step \(step): the trunk is not differentiated")
        #expect(head.weight.grad != nil, "step \(step): the copies get their own gradients")
      }
      try optimizer.step()
      optimizer.finishStep(updated: true)
      #expect(head.switchPosterior.observations == step + 1)
      guard plan.kind == "fast" else { continue }
      // Drift: θ −= ηᵢ·pᵢ element by element, the direction from the last refresh.
      for (index, entry) in trunk.enumerated() {
        let direction = try #require(directions[index])
        let expected = zip(zip(before[index].scalars, entry.rates.scalars), direction.scalars).map { $0.0 - $0.1 * $1 }
        let got = entry.variable.value.scalars
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-7 }, "step \(step), tensor \(index)")
      }
    }
    #expect(kinds == ["full", "fast", "fast", "full", "fast", "fast"])
  }

  @Test("A copy whose own loss is infinite is held back on the clock too: no move, no momentum change")
  func skippedCopyHeldBack() throws {
    let batch = try blobs.batch(Array(0..<32), epoch: 0)
    let inputs = batch.inputs
    var labels = batch.labels
    var generator = RandomGenerator(seed: 0)
    let model = try planeClassifier(classes: 3, seed: 6).replacingHeadWithAlrao(
      copies: 2, rates: [0.01, 0.1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    let optimizer = try MultirateAlrao(
      model: model, featureRates: AlraoFeatureRates(minimum: 1e-3, maximum: 1, seed: 7), slow: .trunk, k: 2,
      momentum: 0.9)
    let head = optimizer.head
    let objective = AlraoObjective(optimizer)
    func step() throws {
      let plan = try optimizer.prepareStep()
      optimizer.zeroGradients()
      model.setTraining(true)
      try GradientMode.differentiating(only: plan.parameters ?? []) {
        let output = try model(Variable(inputs))
        try objective.measure(
          output, on: Batch(inputs: inputs, labels: labels, count: labels.count), task: .classification(classes: 3)
        )
        .loss.backward()
      }
      try optimizer.step()
      optimizer.finishStep(updated: true)
    }
    try step()
    // Copy 1 puts a score of 3e38 on class 0 and −3e38 on the others, and no label is 0: its
    // log-probabilities of the labels are −∞, its loss +∞ (not NaN).
    var weights = head.weight.value.scalars
    for index in 96..<192 { weights[index] = 0 }
    head.weight.value = try Tensor(shape: [2, 3, 32], values: weights)
    var biases = head.bias!.value.scalars
    biases.replaceSubrange(3..<6, with: [3e38, -3e38, -3e38])
    head.bias!.value = try Tensor(shape: [2, 3], values: biases)
    labels = labels.map { $0 == 0 ? 1 : $0 }
    let weightBefore = head.weight.value.scalars
    let bufferBefore = try #require(optimizer.momentumBuffer(of: head.weight)).scalars
    let posteriorBefore = head.posterior
    try step()
    let weightAfter = head.weight.value.scalars
    let bufferAfter = try #require(optimizer.momentumBuffer(of: head.weight)).scalars
    let size = 3 * 32
    #expect(Array(weightAfter[size...]) == Array(weightBefore[size...]), "copy 1 did not move")
    #expect(Array(bufferAfter[size...]) == Array(bufferBefore[size...]), "nor did its momentum")
    #expect(Array(weightAfter[..<size]) != Array(weightBefore[..<size]), "copy 0 did")
    #expect(head.posterior[1] < posteriorBefore[1], "the switch moves weight off the copy: \(head.posterior)")
  }

  @Test("The head must be fast, and only Alrao-SGD with two clocks is accepted, each refusal with its fix")
  func refusals() throws {
    let alrao = try AlraoRecipe(minimumLearningRate: 1e-4, maximumLearningRate: 1, classifiers: 2)
    let task = blobs.task
    let plan = RunPlan(epochs: 1, stepsPerEpoch: 10)
    let model = try alrao.prepare(try planeClassifier(classes: 3, seed: 0), for: task, seed: 0)
    for partition: MultirateRecipe.Partition in [.fast(.layer(0)), .slow(.all)] {
      let recipe = try MultirateAlraoRecipe(alrao: alrao, partition: partition, k: 5)
      #expect {
        _ = try recipe.make(for: model, plan: plan)
      } throws: { error in
        let text = "\(error)"
        return text.contains("head") && (error as? TrainingError)?.help?.contains("net.head") == true
      }
    }
    let adam = try AlraoRecipe(
      minimumLearningRate: 1e-4, maximumLearningRate: 1,
      base: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0))
    #expect(throws: TrainingError.self) { try MultirateAlraoRecipe(alrao: adam, partition: .fast(.head), k: 5) }
    #expect(throws: TrainingError.self) {
      try MultirateAlraoRecipe(alrao: alrao, partition: .scales([(.trunk, 5), (.head, 1)]), k: 5)
    }
    #expect(throws: TrainingError.self) { try MultirateAlraoRecipe(alrao: alrao, partition: .fast(.head), k: 0) }
  }

  @Test("Trained with fit: it learns, records Alrao's trace every step, and measures multirate's speed-up")
  func fits() throws {
    let (train, test) = try blobs.split(fraction: 0.8, seed: 0)
    let alrao = try AlraoRecipe(minimumLearningRate: 1e-5, maximumLearningRate: 10)
    let recipe = try MultirateAlraoRecipe(alrao: alrao, partition: .fast(.head), k: 5)
    #expect(recipe.description == "Multirate(\(alrao.description), k: 5, fast: .head)")
    let configuration = FitConfiguration(epochs: 4, batchSize: 32, seed: 0)
    let (prepared, optimizer, objective) = try recipe.start(
      try planeClassifier(classes: 3, seed: 0), task: train.task, plan: RunPlan(configuration, samples: train.count))
    let run = try Fit.run(
      model: prepared, optimizer: optimizer, optimizerDescription: recipe.description, on: train, validation: test,
      configuration: configuration, objective: objective)
    #expect(run.status == .completed)
    #expect((run.finalTestAccuracy ?? 0) > 0.9, "accuracy \(run.finalTestAccuracy ?? 0)")
    let trace = try #require(run.alrao)
    #expect(trace.switchWeights.count == run.steps)
    #expect(trace.featureRates.count == 32)
    let full = try #require(run.stepKinds["full"]).steps
    let fast = try #require(run.stepKinds["fast"]).steps
    #expect(full + fast == run.steps && full == (run.steps + 4) / 5)
    #expect(SpeedupMeter(run.stepKinds) != nil)
  }
}
