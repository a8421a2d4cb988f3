import Autodiff
import Datasets
import NN
import Optimizers
import TensorCore

/// How to train: the options of `fit` that are not the model, the data or the optimizer.
public struct FitConfiguration: Sendable, Equatable {
  public var epochs: Int
  public var batchSize: Int
  /// Seeds the shuffling (and, in the language, the initial weights).
  public var seed: UInt64
  /// Nil: chosen from the data's task and the model's output width.
  public var loss: Loss?
  public var shuffle: Bool
  /// Clips the joint gradient norm before each update (nil: no clipping).
  public var clipGradientNorm: Float?
  /// A run whose step loss exceeds this multiple of its first steps' mean loss has diverged,
  /// even while the loss is still finite (nil: only a NaN or infinite loss counts). See
  /// `DivergenceCheck`.
  public var divergenceFactor: Float?

  /// The default `divergenceFactor`: a loss a thousand times its starting level is not training.
  public static let defaultDivergenceFactor: Float = 1000

  public init(
    epochs: Int = 1, batchSize: Int = 32, seed: UInt64 = 0, loss: Loss? = nil, shuffle: Bool = true,
    clipGradientNorm: Float? = nil, divergenceFactor: Float? = FitConfiguration.defaultDivergenceFactor
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.seed = seed
    self.loss = loss
    self.shuffle = shuffle
    self.clipGradientNorm = clipGradientNorm
    self.divergenceFactor = divergenceFactor
  }

  /// Batches in an epoch over `samples` samples (the last one may be smaller).
  public func stepsPerEpoch(samples: Int) -> Int {
    samples / batchSize + (samples % batchSize == 0 ? 0 : 1)
  }

  /// Steps of the whole run; saturates rather than overflowing for absurd epoch counts.
  public func plannedSteps(samples: Int) -> Int {
    stepsPerEpoch(samples: samples).saturatingMultiplied(by: epochs)
  }
}

extension Int {
  /// The product, or `Int.max` where it would overflow (counts of steps, never negative here).
  func saturatingMultiplied(by other: Int) -> Int {
    let (product, overflow) = multipliedReportingOverflow(by: other)
    return overflow ? .max : product
  }
}

/// A data set evaluated after every epoch, under the name tables and curves give it.
public struct ValidationSet {
  public var name: String
  public var data: Dataset

  public init(name: String, data: Dataset) {
    self.name = name
    self.data = data
  }
}

/// Where a run is, for progress displays.
public struct FitProgress: Sendable {
  public var epoch: Int
  public var epochs: Int
  /// Steps done in this epoch, and in it altogether.
  public var stepInEpoch: Int
  public var stepsPerEpoch: Int
  public var step: Int
  public var plannedSteps: Int
  /// Mean loss and accuracy of this epoch's steps so far.
  public var loss: Double
  public var accuracy: Double?
  public var elapsed: Double
  public var stepsPerSecond: Double

  /// Seconds left at the current pace (evaluation included, as it is part of the pace).
  public var remaining: Double {
    guard step > 0 else { return .nan }
    return elapsed / Double(step) * Double(max(plannedSteps - step, 0))
  }
}

/// What a run tells the outside while it goes, and how it is asked to stop.
public protocol FitObserver: AnyObject {
  /// After every step.
  func stepFinished(_ progress: FitProgress, run: RunRecord)
  /// After every epoch, with its record (validation included).
  func epochFinished(_ record: EpochRecord, run: RunRecord)
  /// Polled before every step: true stops the run there, keeping what it has (an interrupt).
  var shouldStop: Bool { get }
}

extension FitObserver {
  public func stepFinished(_ progress: FitProgress, run: RunRecord) {}
  public func epochFinished(_ record: EpochRecord, run: RunRecord) {}
  public var shouldStop: Bool { false }
}

public enum Fit {
  /// Trains `model` in place (callers that must keep the original pass a copy) and records the run.
  ///
  /// Each epoch visits the training data once in batches shuffled by (seed, epoch), then
  /// evaluates on `validation`. The run ends early, with its history so far, when the observer
  /// asks to stop (status `.interrupted`) or when a step's loss is NaN or infinite or explodes
  /// past `divergenceFactor` times its first steps' level (status `.diverged`, before that
  /// step's update).
  ///
  /// `objective`, when given, is what the steps minimise in place of the configuration's loss
  /// (an optimizer recipe's own, as Alrao's); evaluation still uses the loss.
  public static func run(
    model: Module, optimizer: Optimizer, optimizerDescription: String, on train: Dataset, validation: Dataset?,
    configuration: FitConfiguration, objective: (any TrainingObjective)? = nil, observer: FitObserver? = nil
  ) throws -> RunRecord {
    try run(
      model: model, optimizer: optimizer, optimizerDescription: optimizerDescription, on: train,
      validating: validation.map { [ValidationSet(name: "test", data: $0)] } ?? [], configuration: configuration,
      objective: objective, observer: observer)
  }

  /// `run(…, validation:)` with several named validation sets, each evaluated after every
  /// epoch: the first is the run's test set (`testLoss`, `testAccuracy`), every one is in
  /// `EpochRecord.evaluations` and `RunRecord.viewed(on:)` reads the others.
  public static func run(
    model: Module, optimizer: Optimizer, optimizerDescription: String, on train: Dataset,
    validating validation: [ValidationSet], configuration: FitConfiguration,
    objective: (any TrainingObjective)? = nil, observer: FitObserver? = nil
  ) throws -> RunRecord {
    guard configuration.epochs >= 1 else {
      throw TrainingError("epochs must be at least 1, not \(configuration.epochs)", help: "pass epochs: 1 or more")
    }
    guard configuration.batchSize >= 1 else {
      throw TrainingError(
        "batchSize must be at least 1, not \(configuration.batchSize)", help: "pass a batch size such as 32")
    }
    guard train.count > 0 else {
      throw TrainingError("the training data '\(train.name)' is empty", help: "check the split or subset that made it")
    }
    for set in validation where set.data.task != train.task {
      throw TrainingError(
        "the validation data '\(set.data.name)' is for \(set.data.task) but the training data for \(train.task)",
        help: "validate on data of the same kind: the test part of the same split")
    }
    for (position, set) in validation.enumerated()
    where validation[..<position].contains(where: { $0.name == set.name }) {
      throw TrainingError(
        "two validation sets are called '\(set.name)'", help: "give each validation set its own name")
    }
    let loss = try configuration.loss ?? probeLoss(model, train)
    let record = RunRecord(
      model: model, configuration: configuration, optimizerDescription: optimizerDescription, loss: loss,
      trainCount: train.count, plannedSteps: configuration.plannedSteps(samples: train.count), task: train.task)
    record.validationNames = validation.map(\.name)
    let step = TrainingStep(
      model: model, optimizer: optimizer, objective: objective?.using(loss) ?? loss, task: train.task,
      clipNorm: configuration.clipGradientNorm)
    var divergence = DivergenceCheck(factor: configuration.divergenceFactor)
    let start = Clock.now()
    model.setTraining(true)
    defer {
      model.setTraining(false)
      record.wallTime = Clock.now() - start
    }
    for epoch in 1...configuration.epochs {
      let order = train.batchIndices(
        size: configuration.batchSize, shuffle: configuration.shuffle, seed: configuration.seed, epoch: epoch - 1)
      var totals = EpochTotals()
      for (position, indices) in order.enumerated() {
        if observer?.shouldStop == true {
          record.status = .interrupted(epoch: epoch, step: position)
          try finishEpoch(epoch, totals, partial: true, record, validation, start: start, observer: observer)
          return record
        }
        var verdict = DivergenceCheck.Verdict.healthy
        let outcome = try step.run(
          indices: indices, data: train, epoch: epoch - 1, time: &record.time, kinds: &record.stepKinds
        ) { loss in
          verdict = divergence.judge(loss)
          return verdict == .healthy
        }
        guard verdict == .healthy else {
          record.status = .diverged(epoch: epoch, step: position + 1, loss: outcome.loss)
          if case .exploded(let threshold) = verdict { record.divergenceThreshold = threshold }
          try finishEpoch(epoch, totals, partial: true, record, [], start: start, observer: observer)
          return record
        }
        totals.add(outcome, samples: indices.count)
        record.stepLosses.append(outcome.loss)
        record.steps += 1
        objective?.stepFinished(record)
        if let observer {
          let elapsed = Clock.now() - start
          observer.stepFinished(
            FitProgress(
              epoch: epoch, epochs: configuration.epochs, stepInEpoch: position + 1, stepsPerEpoch: order.count,
              step: record.steps, plannedSteps: record.plannedSteps, loss: totals.meanLoss,
              accuracy: totals.accuracy, elapsed: elapsed,
              stepsPerSecond: record.time.training > 0 ? Double(record.steps) / record.time.training : 0),
            run: record)
        }
      }
      try finishEpoch(epoch, totals, partial: false, record, validation, start: start, observer: observer)
    }
    return record
  }

  /// Adds the epoch's record, evaluating on the validation data when there was any training in it.
  private static func finishEpoch(
    _ epoch: Int, _ totals: EpochTotals, partial: Bool, _ record: RunRecord, _ validation: [ValidationSet],
    start: Double, observer: FitObserver?
  ) throws {
    guard totals.steps > 0 else { return }
    let before = Clock.now()
    let evaluations = try validation.map { set in
      let result = try Evaluation.evaluate(record.model, on: set.data, loss: record.loss)
      return NamedEvaluation(name: set.name, loss: result.loss, accuracy: result.accuracy)
    }
    record.time.evaluation += Clock.now() - before
    var entry = EpochRecord(
      epoch: epoch, trainLoss: totals.meanLoss, trainAccuracy: totals.accuracy, testLoss: evaluations.first?.loss,
      testAccuracy: evaluations.first?.accuracy, evaluations: evaluations, steps: totals.steps,
      elapsed: Clock.now() - start, isPartial: partial)
    if BitsPerCharacter.applies(to: record.task, loss: record.loss) {
      entry.trainBitsPerCharacter = BitsPerCharacter.fromNats(totals.meanLoss)
      entry.testBitsPerCharacter = evaluations.first.map { BitsPerCharacter.fromNats($0.loss) }
    }
    record.history.append(entry)
    observer?.epochFinished(entry, run: record)
  }

  /// The loss for the task, from one forward pass over a single sample (to learn the output width).
  static func probeLoss(_ model: Module, _ data: Dataset) throws -> Loss {
    let width = try noGrad { () throws -> Int in
      try model.withMode(training: false) {
        let output = try model(Variable(try data.batch([0]).inputs))
        return output.shape.last ?? 1
      }
    }
    return Loss.automatic(for: data.task, outputWidth: width)
  }
}

/// Running sums over an epoch's steps.
struct EpochTotals {
  var lossSum = 0.0
  var samples = 0
  var correct = 0
  var predictions = 0
  var hasAccuracy = true
  var steps = 0

  mutating func add(_ outcome: StepOutcome, samples count: Int) {
    lossSum += Double(outcome.loss) * Double(count)
    samples += count
    if let right = outcome.correct { correct += right } else { hasAccuracy = false }
    predictions += outcome.predictions
    steps += 1
  }

  var meanLoss: Double { samples > 0 ? lossSum / Double(samples) : .nan }
  var accuracy: Double? { hasAccuracy && predictions > 0 ? Double(correct) / Double(predictions) : nil }
}
