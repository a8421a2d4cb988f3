import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

/// A small classifier for the plane.
func planeClassifier(classes: Int, seed: UInt64) throws -> Module {
  var generator = RandomGenerator(seed: seed)
  return try Architectures.mlp([2, 32, classes], activation: .tanh, generator: &generator)
}

func sgd(_ model: Module, _ rate: Float, momentum: Float = 0.9) throws -> Optimizer {
  try SGD([OptimizedParameter](model), learningRate: rate, momentum: momentum)
}

/// Stops the run after a given number of steps, as an interrupt would.
final class StopAfter: FitObserver {
  let steps: Int
  var seen = 0
  var epochsSeen: [Int] = []
  init(_ steps: Int) { self.steps = steps }
  func stepFinished(_ progress: FitProgress, run: RunRecord) { seen = progress.step }
  func epochFinished(_ record: EpochRecord, run: RunRecord) { epochsSeen.append(record.epoch) }
  var shouldStop: Bool { seen >= steps }
}

@Suite struct FitTests {
  let blobs = Dataset.blobs(points: 600, classes: 3, spread: 0.5, seed: 1)

  @Test func fitOnBlobsConverges() throws {
    let (train, test) = try blobs.split(fraction: 0.8, seed: 0)
    let model = try planeClassifier(classes: 3, seed: 0)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: train, validation: test,
      configuration: FitConfiguration(epochs: 10, batchSize: 32, seed: 0))
    #expect(run.status == .completed)
    #expect(run.history.count == 10)
    #expect(run.steps == 10 * ((train.count + 31) / 32))
    let first = try #require(run.history.first)
    let last = try #require(run.history.last)
    #expect(last.trainLoss < first.trainLoss / 2)
    #expect((last.testAccuracy ?? 0) > 0.95)
    #expect(run.loss == .crossEntropy)
    // Evaluating again gives what the run recorded after its last epoch.
    let again = try Evaluation.evaluate(model, on: test)
    #expect(abs(again.loss - (last.testLoss ?? .nan)) < 1e-9)
    #expect(again.accuracy == last.testAccuracy)
    // predictions agree with the accuracy.
    let predicted = try Evaluation.predictedClasses(model, on: test)
    let right = zip(predicted, test.labels).filter { $0 == $1 }.count
    #expect(Double(right) / Double(test.count) == again.accuracy)
  }

  @Test func sameSeedGivesIdenticalHistory() throws {
    func history(seed: UInt64) throws -> ([Float], [Double?]) {
      let model = try planeClassifier(classes: 3, seed: 7)
      let run = try Fit.run(
        model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs, validation: blobs,
        configuration: FitConfiguration(epochs: 3, batchSize: 16, seed: seed))
      return (run.stepLosses, run.history.map(\.testAccuracy))
    }
    let a = try history(seed: 3)
    let b = try history(seed: 3)
    let c = try history(seed: 4)
    #expect(a.0 == b.0)
    #expect(a.1 == b.1)
    #expect(a.0 != c.0, "another seed shuffles differently")
  }

  @Test func divergenceStopsTheRunAtTheStepAndKeepsParametersFinite() throws {
    let toy = Dataset.regressionToy(points: 200, seed: 0)
    var generator = RandomGenerator(seed: 0)
    let model = try Architectures.mlp([10, 32, 1], activation: .relu, generator: &generator)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 50, momentum: 0.9), optimizerDescription: "SGD", on: toy,
      validation: nil, configuration: FitConfiguration(epochs: 50, batchSize: 16, seed: 0, divergenceFactor: nil))
    guard case .diverged(let epoch, let step, let loss) = run.status else {
      Issue.record("expected divergence, got \(run.status)")
      return
    }
    #expect(!loss.isFinite)
    #expect(epoch >= 1 && step >= 1)
    let stepsPerEpoch = (toy.count + 15) / 16
    #expect(run.steps == (epoch - 1) * stepsPerEpoch + step - 1, "the diverging step is not counted")
    let lossesFinite = run.stepLosses.allSatisfy { $0.isFinite }
    let parametersFinite = model.parameters.allSatisfy { parameter in parameter.value.scalars.allSatisfy { $0.isFinite }
    }
    #expect(lossesFinite)
    #expect(parametersFinite, "the diverging step's update is not applied")
  }

  @Test func stoppingKeepsThePartialRun() throws {
    let model = try planeClassifier(classes: 3, seed: 0)
    let stopper = StopAfter(25)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs, validation: blobs,
      configuration: FitConfiguration(epochs: 5, batchSize: 32, seed: 0), observer: stopper)
    let stepsPerEpoch = (blobs.count + 31) / 32  // 19
    #expect(run.status == .interrupted(epoch: 2, step: 25 - stepsPerEpoch))
    #expect(run.steps == 25)
    #expect(run.history.count == 2)
    #expect(run.history[0].isPartial == false)
    #expect(run.history[1].isPartial)
    #expect(run.history[1].steps == 25 - stepsPerEpoch)
    #expect(run.history[1].testAccuracy != nil, "the partial epoch is evaluated too")
    #expect(stopper.epochsSeen == [1, 2])
  }

  @Test func timeIsSplitIntoItsParts() throws {
    let model = try planeClassifier(classes: 3, seed: 0)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs, validation: blobs,
      configuration: FitConfiguration(epochs: 2, batchSize: 32, seed: 0))
    let time = run.time
    for part in [time.data, time.forward, time.backward, time.optimizer, time.evaluation] { #expect(part > 0) }
    #expect(time.total <= run.wallTime + 1e-6)
    #expect(run.stepsPerSecond > 0)
  }

  @Test func trainerStepsTrainExactlyAsFit() throws {
    let fitModel = try planeClassifier(classes: 3, seed: 5)
    let stepModel = try fitModel.copy()
    _ = try Fit.run(
      model: fitModel, optimizer: try sgd(fitModel, 0.05), optimizerDescription: "SGD", on: blobs, validation: nil,
      configuration: FitConfiguration(epochs: 2, batchSize: 32, seed: 9))
    let trainer = try Trainer(
      model: stepModel, optimizer: try sgd(stepModel, 0.05), data: blobs,
      configuration: FitConfiguration(batchSize: 32, seed: 9))
    for _ in 0..<(2 * ((blobs.count + 31) / 32)) { try trainer.step() }
    #expect(trainer.epoch == 2)
    for (a, b) in zip(fitModel.parameters, stepModel.parameters) { #expect(a.value.scalars == b.value.scalars) }
  }

  @Test("a loss that explodes without becoming NaN ends the run as diverged, before that step's update")
  func explodingLossDiverges() throws {
    let toy = Dataset.regressionToy(points: 200, seed: 0)
    var generator = RandomGenerator(seed: 0)
    let model = try Architectures.mlp([10, 32, 1], activation: .relu, generator: &generator)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 50, momentum: 0.9), optimizerDescription: "SGD", on: toy,
      validation: nil, configuration: FitConfiguration(epochs: 50, batchSize: 16, seed: 0, divergenceFactor: 1000))
    guard case .diverged(_, _, let loss) = run.status else {
      Issue.record("expected divergence, got \(run.status)")
      return
    }
    let threshold = try #require(run.divergenceThreshold)
    #expect(loss.isFinite && loss > threshold)
    let reference = run.stepLosses.prefix(DivergenceCheck.referenceSteps).reduce(0, +)
    let counted = Float(min(run.stepLosses.count, DivergenceCheck.referenceSteps))
    #expect(abs(threshold - 1000 * max(reference / counted, 1)) <= 1e-3 * threshold)
    #expect(run.stepLosses.allSatisfy { $0 <= threshold })
  }

  @Test("the divergence check: a reference from the first steps, off with nil, NaN always")
  func divergenceCheck() {
    var check = DivergenceCheck(factor: 100)
    #expect(check.judge(2) == .healthy)
    #expect(check.judge(4) == .healthy)
    #expect(check.judge(299) == .healthy)
    #expect(check.judge(20_000) == .exploded(threshold: 100 * (2 + 4 + 299) / 3))
    #expect(check.judge(.nan) == .nonFinite)
    var small = DivergenceCheck(factor: 100)
    #expect(small.judge(0.001) == .healthy)
    #expect(small.judge(101) == .exploded(threshold: 100), "a reference below 1 counts as 1")
    #expect(small.judge(99) == .healthy)
    var off = DivergenceCheck(factor: nil)
    #expect(off.judge(1) == .healthy)
    #expect(off.judge(1e30) == .healthy)
    #expect(off.judge(.infinity) == .nonFinite)
  }

  @Test("a Trainer clips gradients as fit does: the same configuration gives the same weights")
  func trainerClipsLikeFit() throws {
    let data = Dataset.blobs(points: 96, classes: 3, seed: 2)
    let configuration = FitConfiguration(epochs: 1, batchSize: 32, seed: 3, clipGradientNorm: 0.01)
    let fitModel = try planeClassifier(classes: 3, seed: 5)
    let stepModel = try fitModel.copy()
    let unclippedModel = try fitModel.copy()
    _ = try Fit.run(
      model: fitModel, optimizer: try sgd(fitModel, 0.5), optimizerDescription: "SGD", on: data, validation: nil,
      configuration: configuration)
    let trainer = try Trainer(
      model: stepModel, optimizer: try sgd(stepModel, 0.5), data: data, configuration: configuration)
    var unclippedConfiguration = configuration
    unclippedConfiguration.clipGradientNorm = nil
    let unclipped = try Trainer(
      model: unclippedModel, optimizer: try sgd(unclippedModel, 0.5), data: data,
      configuration: unclippedConfiguration)
    for _ in 0..<3 {
      try trainer.step()
      try unclipped.step()
    }
    for (a, b) in zip(fitModel.parameters, stepModel.parameters) { #expect(a.value.scalars == b.value.scalars) }
    #expect(zip(fitModel.parameters, unclippedModel.parameters).contains { $0.value.scalars != $1.value.scalars })
  }

  @Test func mismatchedModelAndDataIsATrainingErrorWithTheFix() throws {
    let model = try planeClassifier(classes: 2, seed: 0)
    #expect {
      _ = try Fit.run(
        model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs, validation: nil,
        configuration: FitConfiguration(epochs: 1, batchSize: 32, seed: 0))
    } throws: { error in
      guard let error = error as? TrainingError else { return false }
      return error.message.contains("3 classes") && (error.help ?? "").contains("3 outputs")
    }
  }

  @Test func binaryClassifierWithOneOutputUsesBinaryCrossEntropy() throws {
    let spiral = Dataset.spiral(points: 200, seed: 0)
    var generator = RandomGenerator(seed: 0)
    let model = try Architectures.mlp([2, 32, 1], activation: .relu, generator: &generator)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.1), optimizerDescription: "SGD", on: spiral, validation: spiral,
      configuration: FitConfiguration(epochs: 2, batchSize: 25, seed: 0))
    #expect(run.loss == .binaryCrossEntropy)
    #expect(run.history.allSatisfy { $0.testAccuracy != nil })
  }

  @Test func schedulesResolveToSteps() {
    let cosine = ScheduleRecipe.cosine(minimum: 0).resolved(epochs: 2, stepsPerEpoch: 10, base: 0.1)
    #expect(cosine == .cosine(steps: 20, minimum: 0))
    let step = ScheduleRecipe.step(epochs: 3, factor: 0.5).resolved(epochs: 9, stepsPerEpoch: 10, base: 0.1)
    #expect(step.rate(at: 29, base: 0.1) == 0.1)
    #expect(step.rate(at: 30, base: 0.1) == 0.05)
  }

  @Test func summariesOverRunsLeaveOutStoppedOnes() {
    let summary = Summary([0.8, 0.9, .nan, 1.0])
    #expect(summary?.count == 3)
    #expect(abs((summary?.mean ?? 0) - 0.9) < 1e-12)
    #expect(summary?.minimum == 0.8)
    #expect(summary?.maximum == 1.0)
    #expect(abs((summary?.standardDeviation ?? 0) - 0.1) < 1e-12)
    #expect(Summary([]) == nil)
  }
}

@Suite struct StepCountTests {
  @Test func stepCountsNeitherOverflowNorTrap() {
    let huge = FitConfiguration(epochs: .max, batchSize: .max)
    #expect(huge.stepsPerEpoch(samples: 1797) == 1)
    #expect(huge.plannedSteps(samples: 1797) == .max)
    #expect(FitConfiguration(epochs: 3, batchSize: 32).plannedSteps(samples: 100) == 12)
    let schedule = ScheduleRecipe.warmUp(epochs: .max / 2, then: .step(epochs: .max / 2, factor: 0.5))
    let resolved = schedule.resolved(epochs: .max, stepsPerEpoch: 57, base: 0.1)
    #expect(resolved == .warmUp(steps: .max, then: .step(every: .max, factor: 0.5)))
  }
}
