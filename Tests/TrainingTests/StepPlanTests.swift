import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

/// An optimizer that follows the per-step protocol the way multirate does: every other step
/// differentiates only the head, and it may ask for a second pass on the same batch.
final class AlternatingHeadOptimizer: Optimizer {
  let inner: SGD
  let head: [Variable]
  let followUps: Bool
  var finished: [Bool] = []
  var gradientsSeen: [(step: Int, trunkHadGradient: Bool)] = []
  private var pendingFollowUp = false
  private let trunk: [Variable]

  init(model: Module, rate: Float, followUps: Bool = false) throws {
    inner = try SGD([OptimizedParameter](model), learningRate: rate)
    let headPath = model.headPath ?? ""
    head = model.namedParameters().filter { $0.path.hasPrefix(headPath + ".") }.map(\.variable)
    trunk = model.namedParameters().filter { !$0.path.hasPrefix(headPath + ".") }.map(\.variable)
    self.followUps = followUps
  }

  var parameters: [OptimizedParameter] { inner.parameters }
  var baseLearningRate: Float { inner.baseLearningRate }
  var schedule: LearningRateSchedule { inner.schedule }
  var stepCount: Int { inner.stepCount }

  func prepareStep() throws -> GradientPlan {
    pendingFollowUp = followUps
    return stepCount % 2 == 0 ? .everything : GradientPlan(parameters: head, kind: "fast")
  }

  func step() throws {
    gradientsSeen.append((stepCount, trunk.contains { $0.grad != nil }))
    try inner.step()
  }

  func followUpPass() -> GradientPlan? {
    guard pendingFollowUp else { return nil }
    pendingFollowUp = false
    return GradientPlan(parameters: head, kind: "follow-up")
  }

  func finishStep(updated: Bool) { finished.append(updated) }
}

@Suite("The per-step gradient plan")
struct StepPlanTests {
  let data = Dataset.blobs(points: 64, classes: 3, seed: 4)

  @Test("fit follows the plan: fast steps give the trunk no gradient, and each kind is timed and measured apart")
  func fitFollowsThePlan() throws {
    let model = try planeClassifier(classes: 3, seed: 1)
    let optimizer = try AlternatingHeadOptimizer(model: model, rate: 0.1)
    let run = try Fit.run(
      model: model, optimizer: optimizer, optimizerDescription: "alternating", on: data, validation: nil,
      configuration: FitConfiguration(epochs: 2, batchSize: 16, seed: 0))
    #expect(run.steps == 8)
    #expect(run.stepKinds["full"]?.steps == 4)
    #expect(run.stepKinds["fast"]?.steps == 4)
    #expect(optimizer.finished == Array(repeating: true, count: 8))
    #expect(optimizer.gradientsSeen.map(\.trunkHadGradient) == [true, false, true, false, true, false, true, false])
    let full = try #require(run.stepKinds["full"])
    let fast = try #require(run.stepKinds["fast"])
    #expect(fast.recordedOperations < full.recordedOperations)
    #expect(fast.savedActivationBytes < full.savedActivationBytes)
    #expect(model.parameters.allSatisfy { $0.requiresGrad }, "the model is left as it was")
  }

  @Test("a follow-up pass runs on the same batch and updates again, without counting a step")
  func followUpPasses() throws {
    let model = try planeClassifier(classes: 3, seed: 1)
    let optimizer = try AlternatingHeadOptimizer(model: model, rate: 0.1, followUps: true)
    let run = try Fit.run(
      model: model, optimizer: optimizer, optimizerDescription: "alternating", on: data, validation: nil,
      configuration: FitConfiguration(epochs: 1, batchSize: 16, seed: 0))
    #expect(run.steps == 4)
    #expect(optimizer.gradientsSeen.count == 8, "two updates per step")
    // Each step is a full pass, then a head-only pass on the same batch.
    #expect(optimizer.gradientsSeen.map(\.trunkHadGradient) == [true, false, true, false, true, false, true, false])
  }

  @Test("a step that diverges still finishes, marked as not updated")
  func divergingStepFinishes() throws {
    let model = try planeClassifier(classes: 3, seed: 1)
    let optimizer = try AlternatingHeadOptimizer(model: model, rate: 1e6)
    let run = try Fit.run(
      model: model, optimizer: optimizer, optimizerDescription: "alternating", on: data, validation: nil,
      configuration: FitConfiguration(epochs: 20, batchSize: 16, seed: 0))
    guard case .diverged = run.status else {
      Issue.record("expected divergence, got \(run.status)")
      return
    }
    #expect(optimizer.finished.last == false)
    #expect(optimizer.finished.dropLast().allSatisfy { $0 })
  }
}

@Suite("An optimizer over a selection")
struct SelectionOptimizerTests {
  @Test("SGD over the head trains the head alone, and its steps never differentiate the trunk")
  func headOnlyFit() throws {
    let data = Dataset.blobs(points: 64, classes: 3, seed: 4)
    let model = try planeClassifier(classes: 3, seed: 1)
    let before = model.namedParameters().map { ($0.path, $0.variable.value.scalars) }
    let recipe = SGDRecipe(learningRate: 0.1, momentum: 0.9, selection: .head)
    let configuration = FitConfiguration(epochs: 1, batchSize: 16, seed: 0)
    let optimizer = try recipe.make(for: model, plan: RunPlan(configuration, samples: data.count))
    let run = try Fit.run(
      model: model, optimizer: optimizer, optimizerDescription: recipe.description, on: data, validation: nil,
      configuration: configuration)
    let headPath = try #require(model.headPath)
    for ((path, old), parameter) in zip(before, model.namedParameters()) {
      if path.hasPrefix(headPath + ".") {
        #expect(parameter.variable.value.scalars != old, "\(path) trained")
      } else {
        #expect(parameter.variable.value.scalars == old, "\(path) untouched")
      }
    }
    let fullModel = try planeClassifier(classes: 3, seed: 1)
    let full = try Fit.run(
      model: fullModel, optimizer: try sgd(fullModel, 0.1), optimizerDescription: "SGD", on: data, validation: nil,
      configuration: configuration)
    let headOnly = try #require(run.stepKinds["full"])
    let everything = try #require(full.stepKinds["full"])
    #expect(headOnly.recordedOperations < everything.recordedOperations)
  }
}
