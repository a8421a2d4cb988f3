import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

@Suite("Composite averaging in fit (ALGORITHMS §1.9)")
struct CompositeAveragingTrainingTests {
  let blobs = Dataset.blobs(points: 160, classes: 3, spread: 0.6, seed: 2)

  func parameters(_ model: Module) -> [[Float]] { model.parameters.map(\.value.scalars) }

  /// One cycle of k = 4 steps in order (no shuffling): the run's model must be the average of
  /// the network after 4 plain SGD steps at h_F on the four batches and the network after one
  /// SGD step at h_S on the first batch, both from the same start.
  @Test("one cycle through fit is the average of k fast SGD steps and one slow step on the first batch")
  func oneCycleMatchesTheDefinition() throws {
    let configuration = FitConfiguration(epochs: 1, batchSize: 40, seed: 0, shuffle: false)
    let recipe = try CompositeAveragingRecipe(learningRate: 0.05, slowLearningRate: 0.3, k: 4, momentum: 0.9)
    let start = try planeClassifier(classes: 3, seed: 3)
    let plan = RunPlan(configuration, samples: blobs.count)
    let (model, optimizer, objective) = try recipe.start(try start.copy(), task: blobs.task, plan: plan)
    let run = try Fit.run(
      model: model, optimizer: optimizer, optimizerDescription: recipe.description, on: blobs, validation: blobs,
      configuration: configuration, objective: objective)
    #expect(run.steps == 4)
    #expect(run.stepKinds["both copies"]?.steps == 1)
    #expect(run.stepKinds["fast copy"]?.steps == 3)
    #expect(SpeedupMeter(run.stepKinds) == nil, "a composite run reports no multirate speed-up")
    let merged = try recipe.trainedModel(from: run.model)
    #expect(!(merged is CompositeNetwork))

    let fast = try start.copy()
    _ = try Fit.run(
      model: fast, optimizer: try sgd(fast, 0.05), optimizerDescription: "fast", on: blobs, validation: nil,
      configuration: configuration)
    let slow = try start.copy()
    _ = try Fit.run(
      model: slow, optimizer: try sgd(slow, 0.3), optimizerDescription: "slow", on: try blobs.subset(Array(0..<40)),
      validation: nil, configuration: configuration)
    for (got, (a, b)) in zip(parameters(merged), zip(parameters(fast), parameters(slow))) {
      for (value, (x, y)) in zip(got, zip(a, b)) { #expect(abs(value - (x + y) / 2) < 1e-5) }
    }
    // Right after the merge both copies are the merged network, and it is what was evaluated.
    let network = try #require(run.model as? CompositeNetwork)
    #expect(parameters(network.fast) == parameters(network.slow))
    #expect(try Evaluation.evaluate(merged, on: blobs).accuracy == run.history.last?.testAccuracy)
    // The reported step losses are the fast copy's: the first equals plain SGD's first loss.
    let plain = try start.copy()
    let plainRun = try Fit.run(
      model: plain, optimizer: try sgd(plain, 0.05), optimizerDescription: "fast", on: blobs, validation: nil,
      configuration: configuration)
    #expect(run.stepLosses.first == plainRun.stepLosses.first)
  }

  @Test("evaluation mid-cycle is the weighted average of the copies as they are")
  func evaluationIsTheWeightedAverage() throws {
    let start = try planeClassifier(classes: 3, seed: 4)
    let network = try CompositeNetwork(copying: start, fastWeight: 0.25)
    for parameter in network.slow.parameters {
      parameter.value = try Tensor(shape: parameter.shape, values: parameter.value.scalars.map { 2 * $0 + 0.1 })
    }
    let merged = try network.merged()
    for (m, (f, s)) in zip(merged.parameters, zip(network.fast.parameters, network.slow.parameters)) {
      for (value, (x, y)) in zip(m.value.scalars, zip(f.value.scalars, s.value.scalars)) {
        #expect(abs(value - (0.25 * x + 0.75 * y)) < 1e-6)
      }
    }
    let input = Variable(try Tensor(shape: [2, 2], values: [0.3, -0.2, 1.0, 0.5]))
    network.setTraining(false)
    #expect(try network(input).value.scalars == (try merged(input)).value.scalars)
    network.setTraining(true)
    #expect(try network(input).value.scalars == (try network.fast(input)).value.scalars)
  }

  @Test("copies that share parameters are refused")
  func sharedCopiesAreRefused() throws {
    let start = try planeClassifier(classes: 3, seed: 4)
    let error = try #require(throws: ModuleError.self) { try CompositeNetwork(fast: start, slow: start) }
    #expect(error.description.contains("is in both copies of the composite network"))
    #expect(throws: TrainingError.self) {
      try CompositeAveragingRecipe(learningRate: 0.01, slowLearningRate: 0.1, k: 0)
    }
  }
}
