import Autodiff
import Datasets
import Foundation
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

@Suite("Alrao in fit and Trainer")
struct AlraoTrainingTests {
  let blobs = Dataset.blobs(points: 600, classes: 3, spread: 0.5, seed: 1)

  func alraoRun(
    _ recipe: AlraoRecipe, model: Module, on train: Dataset, validation: Dataset?, epochs: Int = 3, seed: UInt64 = 0
  ) throws -> RunRecord {
    let configuration = FitConfiguration(epochs: epochs, batchSize: 32, seed: seed)
    let (prepared, optimizer, objective) = try recipe.start(
      model, task: train.task, plan: RunPlan(configuration, samples: train.count))
    return try Fit.run(
      model: prepared, optimizer: optimizer, optimizerDescription: recipe.description, on: train,
      validation: validation, configuration: configuration, objective: objective)
  }

  @Test("Alrao-SGD trains a classifier and records rates and the posterior after every step")
  func classification() throws {
    let (train, test) = try blobs.split(fraction: 0.8, seed: 0)
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-5, maximumLearningRate: 10)
    let run = try alraoRun(recipe, model: try planeClassifier(classes: 3, seed: 0), on: train, validation: test)
    #expect(run.status == .completed)
    #expect((run.finalTestAccuracy ?? 0) > 0.9, "accuracy \(run.finalTestAccuracy ?? 0)")
    let trace = try #require(run.alrao)
    #expect(trace.switchWeights.count == run.steps)
    #expect(trace.switchWeights.allSatisfy { $0.count == 10 && abs($0.reduce(0, +) - 1) < 1e-4 })
    #expect(trace.classifierRates.count == 10 && trace.classifierRates.first == 1e-5)
    // 32 hidden units: 32 distinct rates, all in the interval.
    #expect(trace.featureRates.count == 32)
    #expect(trace.featureRates.allSatisfy { $0 >= 1e-5 * 0.999 && $0 <= 10 * 1.001 })
    // The posterior moved away from uniform towards the useful copies.
    let last = try #require(trace.switchWeights.last)
    #expect(last.max()! > 0.2, "\(last)")
    #expect(run.model.alraoHead != nil)
    // Evaluation uses the mixture and gives what the run recorded.
    let again = try Evaluation.evaluate(run.model, on: test)
    #expect(abs(again.loss - (run.finalTestLoss ?? .nan)) < 1e-6)
  }

  @Test("The same seed gives the same Alrao run; another seed other rates")
  func seeded() throws {
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-4, maximumLearningRate: 1, classifiers: 3)
    let a = try alraoRun(recipe, model: try planeClassifier(classes: 3, seed: 0), on: blobs, validation: nil, epochs: 1)
    let b = try alraoRun(recipe, model: try planeClassifier(classes: 3, seed: 0), on: blobs, validation: nil, epochs: 1)
    let c = try alraoRun(
      recipe, model: try planeClassifier(classes: 3, seed: 0), on: blobs, validation: nil, epochs: 1, seed: 5)
    #expect(a.stepLosses == b.stepLosses && a.alrao == b.alrao)
    #expect(a.alrao?.featureRates != c.alrao?.featureRates)
  }

  @Test("Regression data gets the Gaussian head, predicting with the best copy unless the recipe says otherwise")
  func regression() throws {
    let toy = Dataset.regressionToy(points: 300, seed: 0)
    var generator = RandomGenerator(seed: 0)
    let model = try Architectures.mlp([10, 50, 1], activation: .relu, generator: &generator)
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1, classifiers: 4)
    let run = try alraoRun(recipe, model: model, on: toy, validation: toy, epochs: 5)
    #expect(run.status == .completed)
    let head = try #require(run.model.alraoHead)
    #expect(head.likelihood == .gaussian)
    #expect(head.prediction == .bestCopy, "the reference code's rule by default")
    let weighted = try AlraoRecipe(
      minimumLearningRate: 1e-3, maximumLearningRate: 1, classifiers: 4, prediction: .posteriorMean)
    #expect(try weighted.prepare(model, for: toy.task, seed: 0).alraoHead?.prediction == .posteriorMean)
    let history = run.history.compactMap(\.testLoss)
    #expect(history.last! < history.first!, "test MSE \(history)")
    #expect(run.stepLosses.last! < run.stepLosses.first!)
  }

  @Test("A non-finite trunk output ends the run as diverged at that step, before its update")
  func nonFiniteTrunk() throws {
    let model = try planeClassifier(classes: 3, seed: 0)
    let first = try #require(model.namedParameters().first?.variable)
    first.value = try Tensor(shape: first.shape, values: [Float](repeating: .infinity, count: first.value.count))
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1, classifiers: 2)
    let run = try alraoRun(recipe, model: model, on: blobs, validation: nil)
    guard case .diverged(let epoch, let step, let loss) = run.status else {
      Issue.record("expected divergence, got \(run.status)")
      return
    }
    #expect(epoch == 1 && step == 1 && loss.isNaN)
    #expect(run.model.alraoHead?.switchPosterior.observations == 0, "no switch update for the failed step")
  }

  @Test("A Trainer steps with Alrao's objective and updates the switch")
  func trainer() throws {
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1, classifiers: 3)
    let plan = RunPlan(epochs: 1, stepsPerEpoch: 19)
    let (model, optimizer, objective) = try recipe.start(
      try planeClassifier(classes: 3, seed: 0), task: blobs.task, plan: plan)
    let trainer = try Trainer(model: model, optimizer: optimizer, data: blobs, objective: objective)
    for _ in 0..<5 { try trainer.step() }
    #expect(model.alraoHead?.switchPosterior.observations == 5)
  }

  @Test("A model without a Linear head is a clear error")
  func noHead() throws {
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1)
    #expect {
      _ = try recipe.prepare(Sequential([Activation(.tanh)]), for: blobs.task, seed: 0)
    } throws: { error in
      "\(error)".contains("has no Linear head") && "\(error)".contains("help: end the model with a Linear layer")
    }
  }

  @Test("A classifier with one output (a binary logit) is refused: the copies need one output per class")
  func binaryLogit() throws {
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1)
    let spiral = Dataset.spiral(points: 50, seed: 0)
    #expect {
      _ = try recipe.prepare(try planeClassifier(classes: 1, seed: 0), for: spiral.task, seed: 0)
    } throws: { error in
      "\(error)".contains("need one output per class, but the model's last layer has 1")
    }
  }

  @Test("Bad settings are refused with the fix")
  func badSettings() {
    func message(_ body: () throws -> AlraoRecipe) -> String {
      do {
        _ = try body()
        return ""
      } catch { return "\(error)" }
    }
    #expect(
      message { try AlraoRecipe(minimumLearningRate: 1, maximumLearningRate: 0.1) }
        .contains("minLearningRate (1.0) must not be above its maxLearningRate (0.1)"))
    #expect(message { try AlraoRecipe(minimumLearningRate: 0, maximumLearningRate: 1) }.contains("must be positive"))
    #expect(
      message { try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 1, classifiers: 0) }
        .contains("at least one classifier copy, not 0"))
  }

  @Test("A saved Alrao model reloads with its copies, rates and posterior")
  func checkpointRoundTrip() throws {
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-4, maximumLearningRate: 1, classifiers: 4)
    let run = try alraoRun(recipe, model: try planeClassifier(classes: 3, seed: 0), on: blobs, validation: nil)
    let path = NSTemporaryDirectory() + "alrao-\(UInt32.random(in: 0...UInt32.max)).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try run.model.save(to: path)
    var generator = RandomGenerator(seed: 99)
    let fresh = try planeClassifier(classes: 3, seed: 42).replacingHeadWithAlrao(
      copies: 4, rates: [1, 1, 1, 1], likelihood: .categorical, theta: 0.9999, generator: &generator)
    try fresh.load(from: path)
    let original = try #require(run.model.alraoHead)
    let loaded = try #require(fresh.alraoHead)
    #expect(loaded.classifierRates == original.classifierRates)
    #expect(loaded.posterior == original.posterior)
    #expect(loaded.switchPosterior.observations == run.steps)
    #expect(loaded.weight.value == original.weight.value)
    fresh.setTraining(false)
    run.model.setTraining(false)
    let inputs = try blobs.batch(Array(0..<8)).inputs
    #expect(try fresh(Variable(inputs)).value == (try run.model(Variable(inputs)).value))
  }
}
