import Datasets
import NN
import TempoRuntime
import Training

/// `Trainer(model, optimizer:, data:)`: one step at a time, for loops written in Tempo.
enum TrainerBuiltin {
  static var trainer: BuiltinFunction {
    trainingBuiltin(
      "Trainer",
      [
        ParameterSpec(
          nil, "model", .host("Model"), "the model to train; it is not changed (the trainer trains a copy)"),
        FitBuiltins.optimizerParameter,
        ParameterSpec(
          "data", .oneOf([.host("Dataset"), .host("DataSplit")]), "batches are drawn from it (a split's .train)"),
        ParameterSpec("batchSize", .int, default: 32, check: .positive),
        FitBuiltins.lossParameter("as for fit"),
        .seed("initial weights and batch order"),
        FitBuiltins.clipParameter,
      ], returns: "Trainer", category: "Training",
      "Training one step at a time, for a loop of one's own: t.step() takes a step and returns its loss.",
      discussion:
        "Steps draw batches in fit's order (shuffled per epoch by the seed) and clip gradients as fit does, so a loop of steps trains like fit. The optimizer's schedule applies, counting epochs of the data; a trainer has no planned length, so .cosine and .linear span its first epoch and then stay at a rate of 0. Members: step(), loss (the last step's), accuracy, steps, epoch, model (a snapshot of the weights now).",
      example:
        "let t = Trainer(MLP([64, 32, 10]), optimizer: SGD(learningRate: 0.1), data: Digits())\nfor _ in 0..<100 { t.step() }\nt.loss",
      labelAdvice: FreezingAdvice.forFitLabel("Trainer")
    ) { args in
      let model = try args.object("model", ModelObject.self)
      let recipe = try FitBuiltins.optimizerRecipe(args)
      let (data, _) = try DataArguments.trainingData(args, "data")
      let seed = try args.seed("seed")
      let batchSize = try args.int("batchSize")
      let configuration = FitConfiguration(
        batchSize: batchSize, seed: seed, loss: try FitBuiltins.lossOption(args),
        clipGradientNorm: try FitBuiltins.clipOption(args))
      // A trainer has no planned length: schedules count epochs of the data, and the shapes
      // over a whole run (cosine, linear) span one epoch.
      let plan = RunPlan(epochs: 1, stepsPerEpoch: configuration.stepsPerEpoch(samples: data.count), seed: seed)
      let (module, optimizer, objective) = try recipe.start(
        try model.instantiate(for: data, seed: seed), task: data.task, plan: plan)
      let trainer = try Trainer(
        model: module, optimizer: optimizer, data: data, configuration: configuration, objective: objective)
      return .host(TrainerObject(trainer, recipe: model.recipe.trained(module), optimizer: recipe))
    }
  }
}

final class TrainerObject: HostObject {
  let trainer: Trainer
  let recipe: ModelRecipe
  /// Says what the model a user gets is (composite averaging's: the merged network).
  let optimizer: any OptimizerRecipe

  init(_ trainer: Trainer, recipe: ModelRecipe, optimizer: any OptimizerRecipe) {
    self.trainer = trainer
    self.recipe = recipe
    self.optimizer = optimizer
  }

  var typeName: String { "Trainer" }
  var description: String {
    "Trainer: \(recipe.title) on '\(trainer.data.name)', \(trainer.stepCount) steps, epoch \(trainer.epoch), loss \(trainer.lastLoss)"
  }

  static let memberTypes: [String: String] = [
    "accuracy": "Double?", "epoch": "Int", "loss": "Double", "model": "Model", "step": "-> Double", "steps": "Int",
  ]
  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "loss": return .double(Double(trainer.lastLoss))
    case "accuracy": return trainer.lastAccuracy.map(Value.double) ?? .nil
    case "steps": return .int(trainer.stepCount)
    case "epoch": return .int(trainer.epoch)
    case "model":
      return .host(
        ModelObject(
          recipe: recipe, module: try optimizer.trainedModel(from: trainer.model).copy(),
          sampleShape: trainer.data.sampleShape,
          task: trainer.data.task))
    case "step":
      return .function(
        trainingBuiltin(
          "step", [], returns: "Double", category: "Training", "Takes one training step and returns its loss.",
          example: "t.step()", labelAdvice: FreezingAdvice.forStep(optimizer)
        ) { [trainer] args in
          let loss = try trainer.step()
          guard loss.isFinite else {
            throw RuntimeError(
              .divergenceError, "the loss became \(loss) at step \(trainer.stepCount) (epoch \(trainer.epoch))",
              help: "lower the learning rate, or normalise the inputs; the weights are those before this step")
          }
          return .double(Double(loss))
        })
    default: return nil
    }
  }
}
