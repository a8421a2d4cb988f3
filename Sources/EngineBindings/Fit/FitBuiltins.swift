import Datasets
import NN
import Optimizers
import TempoRuntime
import Training

/// `fit`, `evaluate` and `predict`.
enum FitBuiltins {
  static let category = "Training"

  static var all: [BuiltinFunction] { [fit, evaluate, predict] }

  static var fit: BuiltinFunction {
    trainingBuiltin(
      "fit",
      [
        ParameterSpec(nil, "model", type: "Model", "the model to train; it is not changed"),
        ParameterSpec("on", "data", type: "Dataset or DataSplit", "training data; a split trains on .train"),
        ParameterSpec(
          "validate", type: "Dataset?", default: "nil", "evaluated after each epoch (default: a split's .test)"),
        ParameterSpec("optimizer", type: "Optimizer", default: "SGD(learningRate: 0.01, momentum: 0.9)"),
        ParameterSpec("epochs", type: "Int", default: "1"),
        ParameterSpec("batchSize", type: "Int", default: "32"),
        ParameterSpec(
          "loss", type: "Symbol?", default: "nil",
          ".crossEntropy, .binaryCrossEntropy or .meanSquaredError (default: from the data)"),
        ParameterSpec("seed", type: "Int", default: "0", "seeds the initial weights and the shuffling"),
        ParameterSpec(
          "name", type: "String?", default: "nil", "what comparisons call the run (default: the optimizer)"),
        ParameterSpec("progress", type: "Bool", default: "true", "show a live progress display"),
      ], returns: "Run", category: category,
      "Trains a copy of a model and returns the run: the trained model, per-epoch history and timing.",
      discussion:
        "Each epoch visits the training data once in batches shuffled by the seed, then evaluates on the validation data. A new model gets initial weights from the seed, so the same cell with the same seed gives the same numbers. While it runs, one display shows epoch, step, loss, accuracy, steps/s and time left, with a small loss curve. An interrupt stops it at the next step and keeps the partial run (run.interrupted is true). A loss that becomes nan or infinite ends the run with a DivergenceError naming the epoch and step.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 64, 10]), on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 5)\nrun.accuracy"
    ) { args in
      let model = try args.object(0, ModelObject.self, expected: "Model")
      let (train, splitTest) = try DataArguments.trainingData(args, 1)
      let validation = args.has(2) ? try DataArguments.dataset(args, 2) : splitTest
      let optimizer =
        args.has(3) ? try args.object(3, OptimizerObject.self, expected: "Optimizer").recipe : defaultOptimizer
      let epochs = try args.positiveInt(4, default: 1)
      let batchSize = try args.positiveInt(5, default: 32)
      let loss = try lossOption(args, 6)
      let seed = try args.seed(7)
      let name = try args.optionalString(8) ?? optimizer.description
      let showsProgress = try args.bool(9, default: true)
      return try runFit(
        model: model, train: train, validation: validation, optimizer: optimizer, epochs: epochs, batchSize: batchSize,
        loss: loss, seed: seed, name: name, showsProgress: showsProgress, args: args)
    }
  }

  static let defaultOptimizer = SGDRecipe(learningRate: 0.01, momentum: 0.9)

  static func lossOption(_ args: Arguments, _ index: Int) throws -> Loss? {
    guard args.has(index) else { return nil }
    return Loss(rawValue: try args.choice(index, among: Loss.allCases.map(\.rawValue), default: "crossEntropy"))
  }

  static func runFit(
    model: ModelObject, train: Dataset, validation: Dataset?, optimizer recipe: any OptimizerRecipe, epochs: Int,
    batchSize: Int, loss: Loss?, seed: UInt64, name: String, showsProgress: Bool, args: Arguments
  ) throws -> Value {
    let module = try model.instantiate(for: train, seed: seed)
    let optimizer = try recipe.make(for: module)
    var configuration = FitConfiguration(epochs: epochs, batchSize: batchSize, seed: seed, loss: loss)
    configuration.schedule = recipe.schedule.resolved(
      epochs: epochs, stepsPerEpoch: configuration.stepsPerEpoch(samples: train.count), base: recipe.learningRate)
    let observer: FitObserver & AnyObject
    let progress: LiveProgress?
    if showsProgress {
      let live = LiveProgress(
        environment: args.environment, output: args.output, title: "\(model.recipe.title) · \(name)", epochs: epochs,
        plannedSteps: configuration.plannedSteps(samples: train.count))
      live.start()
      progress = live
      observer = live
    } else {
      progress = nil
      observer = InterruptWatcher(args.environment)
    }
    let record = try Fit.run(
      model: module, optimizer: optimizer, optimizerDescription: recipe.description, on: train, validation: validation,
      configuration: configuration, observer: observer)
    let run = RunObject(
      record: record,
      model: ModelObject(recipe: model.recipe, module: record.model, sampleShape: train.sampleShape, task: train.task),
      name: name)
    progress?.finish(record, status: run.statusText)
    if case .diverged(let epoch, let step, let value) = record.status {
      var error = RuntimeError(
        .divergenceError,
        "the loss became \(value) at epoch \(epoch), step \(step) of '\(name)' on '\(train.name)'",
        notes: ["inside seeds(n) { … } the diverged run is kept, marked, and the next seed goes on"],
        help:
          "lower the learning rate (\(recipe.learningRate) now), or normalise the inputs (data.normalized())"
      )
      error.attachment = ErrorAttachment(run)
      throw error
    }
    return .host(run)
  }

  static var evaluate: BuiltinFunction {
    trainingBuiltin(
      "evaluate",
      [
        ParameterSpec(nil, "model", type: "Model or Run"),
        ParameterSpec("on", "data", type: "Dataset", "the data to measure on"),
      ], returns: "[String: Double]", category: category,
      "The loss and accuracy of a model on a data set (evaluation mode, no training).",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 32, 10]), on: data, epochs: 2, progress: false)\nevaluate(run.model, on: data.test)[\"accuracy\"]"
    ) { args in
      let model = try trainedModule(args, 0)
      let data = try DataArguments.dataset(args, 1)
      let result = try Evaluation.evaluate(model, on: data)
      var map = OrderedMap()
      map.set(.double(result.loss), for: .string("loss"), hashKey: .string("loss"))
      if let accuracy = result.accuracy {
        map.set(.double(accuracy), for: .string("accuracy"), hashKey: .string("accuracy"))
      }
      map.set(.int(result.count), for: .string("count"), hashKey: .string("count"))
      return .dictionary(map)
    }
  }

  static var predict: BuiltinFunction {
    trainingBuiltin(
      "predict",
      [
        ParameterSpec(nil, "model", type: "Model or Run"),
        ParameterSpec(nil, "data", type: "Dataset", "the samples to classify"),
        ParameterSpec("scores", type: "Bool", default: "false", "the raw outputs instead of classes"),
      ], returns: "[Int] or [[Double]]", category: category,
      "The class a model predicts for each sample (or its raw outputs with scores: true).",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 32, 10]), on: data, epochs: 2, progress: false)\npredict(run.model, data.test)[0]"
    ) { args in
      let model = try trainedModule(args, 0)
      let data = try DataArguments.dataset(args, 1)
      if try args.bool(2, default: false) {
        let outputs = try Evaluation.outputs(model, on: data)
        let width = outputs.count / max(data.count, 1)
        let values = outputs.scalars
        return .array(
          (0..<data.count).map { row in
            .array(values[row * width..<(row + 1) * width].map { .double(Double($0)) })
          })
      }
      return .array(try Evaluation.predictedClasses(model, on: data).map(Value.int))
    }
  }

  /// The weights of a model or of a run's model; an unbuilt model is an error with the fix.
  static func trainedModule(_ args: Arguments, _ index: Int) throws -> Module {
    switch args[index] {
    case .host(let run as RunObject)?: return run.record.model
    case .host(let model as ModelObject)?: return try model.builtModule(for: "predictions")
    default: throw args.typeError(index, expected: "Model or Run", got: args[index] ?? .nil)
    }
  }
}

/// Stops a run without a display when the user interrupts.
final class InterruptWatcher: FitObserver {
  private let environment: Environment
  init(_ environment: Environment) { self.environment = environment }
  var shouldStop: Bool { environment.interrupt.isRaised }
}
