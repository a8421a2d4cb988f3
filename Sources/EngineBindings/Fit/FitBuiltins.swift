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
        ParameterSpec(nil, "model", .host("Model"), "the model to train; it is not changed"),
        ParameterSpec(
          "on", "data", .oneOf([.host("Dataset"), .host("DataSplit")]), "training data; a split trains on .train"),
        ParameterSpec(
          "validate", .optional(.oneOf([.host("Dataset"), .dictionary(.string, .host("Dataset"))])), default: nil,
          "evaluated after each epoch (nil: a split's .test); a dictionary names several sets, the first is the test set"
        ),
        optimizerParameter,
        ParameterSpec("epochs", .int, default: 1, check: .positive),
        ParameterSpec("batchSize", .int, default: 32, check: .positive),
        lossParameter("nil: from the data"),
        .seed("seeds the initial weights and the shuffling"),
        ParameterSpec(
          "name", .optional(.string), default: nil, "what comparisons call the run (nil: the optimizer)"),
        ParameterSpec("progress", .bool, default: true, "show a live progress display"),
        clipParameter,
        ParameterSpec(
          "divergenceFactor", .optional(.double), default: .number(Double(FitConfiguration.defaultDivergenceFactor)),
          check: .range(2.0...1e9),
          "a step loss above this multiple of the first steps' mean loss ends the run as diverged (nil: only nan or infinity)"
        ),
      ], returns: "Run", category: category,
      "Trains a copy of a model and returns the run: the trained model, per-epoch history and timing.",
      discussion:
        "Each epoch visits the training data once in batches shuffled by the seed, then evaluates on the validation data. validate: [\"clean\": a, \"augmented\": b] evaluates several named sets after every epoch: the first is the run's test set (run.testAccuracy, run.accuracy, compare), and run.on(\"augmented\") (or group.on(…)) is the run as that set sees it, for tables, curves and claims. A new model gets initial weights from the seed, so the same cell with the same seed gives the same numbers. While it runs, one display shows epoch, step, loss, accuracy, steps/s and time left, with a small loss curve. An interrupt stops it at the next step and keeps the partial run (run.interrupted is true). A loss that becomes nan or infinite, or explodes above divergenceFactor times the mean of the first ten steps' losses (at least 1), ends the run with a DivergenceError naming the epoch and step, before that step's update. clipGradientNorm scales all gradients down together so their joint norm is at most the value (PyTorch's clip_grad_norm_); Trainer takes the same option.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 64, 10]), on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 5)\nrun.accuracy",
      labelAdvice: FreezingAdvice.forFitLabel("fit")
    ) { args in
      let model = try args.object("model", ModelObject.self)
      let (train, splitTest) = try DataArguments.trainingData(args, "data")
      let validation =
        args.has("validate")
        ? try DataArguments.validationSets(args, "validate")
        : splitTest.map { [ValidationSet(name: "test", data: $0)] } ?? []
      let optimizer = try optimizerRecipe(args)
      let epochs = try args.int("epochs")
      let batchSize = try args.int("batchSize")
      let loss = try lossOption(args)
      let seed = try args.seed("seed")
      let name = try args.optionalString("name") ?? optimizer.description
      let showsProgress = try args.bool("progress")
      var configuration = FitConfiguration(
        epochs: epochs, batchSize: batchSize, seed: seed, loss: loss, clipGradientNorm: try clipOption(args))
      configuration.divergenceFactor = try args.optionalDouble("divergenceFactor").map(Float.init)
      return try runFit(
        model: model, train: train, validation: validation, optimizer: optimizer, configuration: configuration,
        name: name, showsProgress: showsProgress, args: args)
    }
  }

  /// `clipGradientNorm: Double? = nil`, shared by `fit` and `Trainer` so both train alike.
  static let clipParameter = ParameterSpec(
    "clipGradientNorm", .optional(.double), default: nil, check: .positive,
    "scale the gradients down together so their joint norm is at most this (nil: no clipping)")

  static func clipOption(_ args: Arguments) throws -> Float? {
    try args.optionalDouble("clipGradientNorm").map(Float.init)
  }

  /// `optimizer: Optimizer = SGD(learningRate: 0.01, momentum: 0.9)`, made fresh for each call,
  /// or parameter groups: `[net.biases: SGD(…), net.weights: SGD(…)]`, `[net.head: SGD(…),
  /// net.trunk: .frozen]`.
  static let optimizerParameter = ParameterSpec(
    "optimizer",
    .oneOf([.host("Optimizer"), .dictionary(.host("Parameters"), .oneOf([.host("Optimizer"), .symbol]))]),
    default: .object { OptimizerObject(SGDRecipe(learningRate: 0.01, momentum: 0.9)) },
    "an optimizer, or parameter groups [net.biases: SGD(…), net.weights: SGD(…)]: each group its own optimizer and state, every parameter in exactly one; .frozen keeps a group as it is ([net.head: SGD(…), net.trunk: .frozen])"
  )

  /// The `optimizer:` argument as a recipe: an optimizer, or a dictionary of parameter groups.
  static func optimizerRecipe(_ args: Arguments) throws -> any OptimizerRecipe {
    switch try args.value("optimizer") {
    case .host(let object as OptimizerObject): return object.recipe
    case .dictionary(let map): return try OptimizerBuiltins.parameterGroups(map)
    default: return try args.object("optimizer", OptimizerObject.self).recipe
    }
  }

  /// `loss: Symbol? = nil`, one of the losses `Training` knows.
  static func lossParameter(_ whenNil: String) -> ParameterSpec {
    ParameterSpec(
      "loss", .optional(.symbol), default: nil, check: .choices(Loss.allCases.map(\.rawValue)), whenNil)
  }

  static func lossOption(_ args: Arguments) throws -> Loss? {
    try args.optionalSymbol("loss").flatMap(Loss.init(rawValue:))
  }

  static func runFit(
    model: ModelObject, train: Dataset, validation: [ValidationSet], optimizer recipe: any OptimizerRecipe,
    configuration: FitConfiguration, name: String, showsProgress: Bool, args: Arguments
  ) throws -> Value {
    let epochs = configuration.epochs
    let (module, optimizer, objective) = try recipe.start(
      try model.instantiate(for: train, seed: configuration.seed), task: train.task,
      plan: RunPlan(configuration, samples: train.count))
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
      model: module, optimizer: optimizer, optimizerDescription: recipe.description, on: train,
      validating: validation, configuration: configuration, objective: objective, observer: observer)
    let trained = try recipe.trainedModel(from: record.model)
    let run = RunObject(
      record: record,
      model: ModelObject(
        recipe: model.recipe.trained(trained), module: trained, sampleShape: train.sampleShape, task: train.task),
      name: name)
    progress?.finish(record, status: run.statusText)
    if case .diverged(let epoch, let step, let value) = record.status {
      let what =
        record.divergenceThreshold.map { threshold in
          "the loss exploded to \(Format.number(Double(value))), above \(Format.number(Double(threshold))) (\(Format.number(Double(configuration.divergenceFactor ?? 0)))× its first steps' level),"
        } ?? "the loss became \(value)"
      let exploded = record.divergenceThreshold != nil
      var error = RuntimeError(
        .divergenceError, "\(what) at epoch \(epoch), step \(step) of '\(name)' on '\(train.name)'",
        notes: ["inside seeds(n) { … } the diverged run is kept, marked, and the next seed goes on"],
        help:
          "lower the learning rate (\(recipe.learningRate) now), or normalise the inputs (data.normalized())"
          + (exploded ? "; to let a run go on past this level, pass a larger divergenceFactor (or nil)" : "")
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
        ParameterSpec(nil, "model", .oneOf([.host("Model"), .host("Run")])),
        ParameterSpec("on", "data", .host("Dataset"), "the data to measure on"),
      ], returns: "[String: Double]", category: category,
      "The loss and accuracy of a model on a data set (evaluation mode, no training).",
      discussion:
        "A dictionary with loss, accuracy (nil for regression) and count; on text also bitsPerCharacter, the cross-entropy in bits (nats / ln 2).",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 32, 10]), on: data, epochs: 2, progress: false)\nevaluate(run.model, on: data.test)[\"accuracy\"]"
    ) { args in
      let model = try trainedModule(args)
      let data = try DataArguments.dataset(args, "data")
      let result = try Evaluation.evaluate(model, on: data)
      var entries: [(String, Value)] = [("loss", .double(result.loss))]
      if let accuracy = result.accuracy { entries.append(("accuracy", .double(accuracy))) }
      if let bits = result.bitsPerCharacter { entries.append(("bitsPerCharacter", .double(bits))) }
      entries.append(("count", .int(result.count)))
      return .record(entries)
    }
  }

  static var predict: BuiltinFunction {
    trainingBuiltin(
      "predict",
      [
        ParameterSpec(nil, "model", .oneOf([.host("Model"), .host("Run")])),
        ParameterSpec(nil, "data", .host("Dataset"), "the samples to classify"),
        ParameterSpec("scores", .bool, default: false, "the raw outputs instead of classes"),
      ], returns: "[Int] or [[Double]]", category: category,
      "The class a model predicts for each sample (or its raw outputs with scores: true).",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 32, 10]), on: data, epochs: 2, progress: false)\npredict(run.model, data.test)[0]"
    ) { args in
      let model = try trainedModule(args)
      let data = try DataArguments.dataset(args, "data")
      if try args.bool("scores") {
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
  static func trainedModule(_ args: Arguments) throws -> Module {
    switch try args.value("model") {
    case .host(let run as RunObject): return try run.model.builtModule(for: "predictions")
    case .host(let model as ModelObject): return try model.builtModule(for: "predictions")
    case let other: throw args.typeError("model", got: other)
    }
  }
}

/// Stops a run without a display when the user interrupts.
final class InterruptWatcher: FitObserver {
  private let environment: Environment
  init(_ environment: Environment) { self.environment = environment }
  var shouldStop: Bool { environment.interrupt.isRaised }
}
