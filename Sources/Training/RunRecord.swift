import Datasets
import NN

/// One epoch of a run, as the papers report it.
public struct EpochRecord: Sendable, Equatable {
  /// Counted from 1.
  public var epoch: Int
  /// Mean loss over the epoch's steps (each step's loss weighted by its batch).
  public var trainLoss: Double
  /// Right predictions during the epoch's steps (the model changing as it goes, as PyTorch
  /// loops usually report it); nil for regression.
  public var trainAccuracy: Double?
  /// The first validation set's loss and accuracy (the run's test set).
  public var testLoss: Double?
  public var testAccuracy: Double?
  /// For next-character data (a `.sequence` task with cross-entropy), `trainLoss` and
  /// `testLoss` in bits per character (`BitsPerCharacter`); nil for any other data.
  public var trainBitsPerCharacter: Double? = nil
  public var testBitsPerCharacter: Double? = nil
  /// Every validation set's result, in the order the sets were given (the first is the test
  /// set above); empty without validation data.
  public var evaluations: [NamedEvaluation] = []
  /// Steps in this epoch (fewer than planned when the run stopped inside it).
  public var steps: Int
  /// Seconds since the run started, at the end of this epoch.
  public var elapsed: Double
  /// True when the run stopped inside this epoch: its numbers cover only `steps` steps.
  public var isPartial: Bool
}

/// One validation set's result after an epoch.
public struct NamedEvaluation: Sendable, Equatable {
  /// The set's name: "test" for a single validation set, the dictionary key otherwise.
  public var name: String
  public var loss: Double
  /// Nil for regression.
  public var accuracy: Double?

  public init(name: String, loss: Double, accuracy: Double?) {
    self.name = name
    self.loss = loss
    self.accuracy = accuracy
  }
}

/// How a run ended.
public enum RunStatus: Sendable, Equatable {
  case completed
  /// Stopped on request (an interrupt) after `step` steps of `epoch`.
  case interrupted(epoch: Int, step: Int)
  /// The loss became NaN or infinite, or exploded (see `RunRecord.divergenceThreshold`), at
  /// `step` of `epoch` (both counted from 1).
  case diverged(epoch: Int, step: Int, loss: Float)

  public var isCompleted: Bool { self == .completed }
}

/// Everything a run leaves behind.
public final class RunRecord {
  /// The trained model (a copy: the model given to `fit` is never changed).
  public let model: Module
  public internal(set) var history: [EpochRecord] = []
  /// The loss of every step, in order.
  public internal(set) var stepLosses: [Float] = []
  public internal(set) var steps = 0
  public internal(set) var status: RunStatus = .completed
  /// For a run that diverged by exploding (a finite loss), the level it crossed: the
  /// configuration's `divergenceFactor` times its first steps' mean loss. Nil otherwise.
  public internal(set) var divergenceThreshold: Float?
  public internal(set) var time = TimeSplit()
  /// The steps of each kind the optimizer named (`"full"` only, for SGD or Adam): their count,
  /// time and what their graphs held — a multirate run's full and fast-only steps apart.
  public internal(set) var stepKinds: [String: StepKindStatistics] = [:]
  /// An Alrao run's rates and posterior over its copies per step; nil for other optimizers.
  public internal(set) var alrao: AlraoTrace?
  /// Wall time from start to end, evaluation included.
  public internal(set) var wallTime = 0.0
  public let configuration: FitConfiguration
  public let optimizerDescription: String
  public let loss: Loss
  public let trainCount: Int
  public let plannedSteps: Int
  /// What the training data is to be predicted as (text: `.sequence`, whose losses are also
  /// recorded in bits per character).
  public let task: DataTask
  /// The names of the validation sets evaluated after every epoch, in order (the first is the
  /// test set); empty without validation data.
  public internal(set) var validationNames: [String] = []

  init(
    model: Module, configuration: FitConfiguration, optimizerDescription: String, loss: Loss, trainCount: Int,
    plannedSteps: Int, task: DataTask
  ) {
    self.model = model
    self.configuration = configuration
    self.optimizerDescription = optimizerDescription
    self.loss = loss
    self.trainCount = trainCount
    self.plannedSteps = plannedSteps
    self.task = task
  }

  /// The last epoch's test accuracy (nil without validation data or for regression).
  public var finalTestAccuracy: Double? { history.last?.testAccuracy }
  public var finalTestLoss: Double? { history.last?.testLoss }
  public var finalTrainLoss: Double? { history.last?.trainLoss }
  /// Training steps per second of step time (evaluation excluded).
  public var stepsPerSecond: Double { time.training > 0 ? Double(steps) / time.training : 0 }

  /// A metric per epoch, nil where it was not measured.
  public func series(_ metric: Metric) -> [Double?] { history.map { $0[metric] } }

  /// This run as seen by the validation set `name`: the same run (model, steps, time, status)
  /// whose test loss and accuracy are that set's, so every table, curve and summary of test
  /// metrics reads that set. Nil when the run has no such set.
  public func viewed(on name: String) -> RunRecord? {
    guard validationNames.contains(name) else { return nil }
    let view = RunRecord(
      model: model, configuration: configuration, optimizerDescription: optimizerDescription, loss: loss,
      trainCount: trainCount, plannedSteps: plannedSteps, task: task)
    let perCharacter = BitsPerCharacter.applies(to: task, loss: loss)
    view.history = history.map { entry in
      var seen = entry
      let result = entry.evaluations.first { $0.name == name }
      seen.testLoss = result?.loss
      seen.testAccuracy = result?.accuracy
      seen.testBitsPerCharacter = perCharacter ? result.map { BitsPerCharacter.fromNats($0.loss) } : nil
      seen.evaluations = result.map { [$0] } ?? []
      return seen
    }
    view.validationNames = [name]
    view.stepLosses = stepLosses
    view.steps = steps
    view.status = status
    view.divergenceThreshold = divergenceThreshold
    view.time = time
    view.stepKinds = stepKinds
    view.alrao = alrao
    view.wallTime = wallTime
    return view
  }
}

/// The per-epoch numbers a run records, by name.
public enum Metric: String, Sendable, CaseIterable {
  case trainLoss, trainAccuracy, testLoss, testAccuracy
  /// The losses in bits per character, for runs on text (nil for other data).
  case trainBitsPerCharacter, testBitsPerCharacter

  public var displayName: String {
    switch self {
    case .trainLoss: return "train loss"
    case .trainAccuracy: return "train accuracy"
    case .testLoss: return "test loss"
    case .testAccuracy: return "test accuracy"
    case .trainBitsPerCharacter: return "train bits per character"
    case .testBitsPerCharacter: return "test bits per character"
    }
  }

  /// Whether the metric exists only for runs on next-character data.
  public var isBitsPerCharacter: Bool { self == .trainBitsPerCharacter || self == .testBitsPerCharacter }

  /// Whether larger is better (accuracy) or smaller (loss).
  public var isAccuracy: Bool { self == .trainAccuracy || self == .testAccuracy }
}

extension EpochRecord {
  public subscript(metric: Metric) -> Double? {
    switch metric {
    case .trainLoss: return trainLoss
    case .trainAccuracy: return trainAccuracy
    case .testLoss: return testLoss
    case .testAccuracy: return testAccuracy
    case .trainBitsPerCharacter: return trainBitsPerCharacter
    case .testBitsPerCharacter: return testBitsPerCharacter
    }
  }
}
