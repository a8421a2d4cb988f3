import TempoRuntime
import Training

/// `SGD`, `Adam`, `AdamW` and learning-rate schedules, as values `fit` makes optimizers from.
enum OptimizerBuiltins {
  static let category = "Optimizers"

  static var all: [BuiltinFunction] { [sgd, adam, adamW] + schedules }

  static let scheduleParameter = ParameterSpec(
    "schedule", type: "Schedule", default: ".constant",
    ".constant, .cosine, .linear, or stepDecay(…), warmUp(…): how the rate changes over the run")

  static var sgd: BuiltinFunction {
    trainingBuiltin(
      "SGD",
      [
        ParameterSpec("learningRate", type: "Double", default: "0.01"),
        ParameterSpec("momentum", type: "Double", default: "0"),
        ParameterSpec("nesterov", type: "Bool", default: "false"),
        ParameterSpec("weightDecay", type: "Double", default: "0", "L2 penalty added to the gradient"),
        scheduleParameter,
      ], returns: "Optimizer", category: category,
      "Stochastic gradient descent, with PyTorch's momentum, Nesterov momentum and weight decay.",
      example: "let sgd = SGD(learningRate: 0.01, momentum: 0.9)"
    ) { args in
      let recipe = SGDRecipe(
        learningRate: Float(try rate(args, 0, default: 0.01)), momentum: Float(try nonNegative(args, 1, default: 0)),
        nesterov: try args.bool(2, default: false), weightDecay: Float(try nonNegative(args, 3, default: 0)),
        schedule: try schedule(args, 4))
      if recipe.nesterov && recipe.momentum == 0 {
        throw RuntimeError(.valueError, "Nesterov momentum needs momentum > 0", help: "add momentum: 0.9")
      }
      return .host(OptimizerObject(recipe))
    }
  }

  static var adam: BuiltinFunction {
    trainingBuiltin(
      "Adam",
      [
        ParameterSpec("learningRate", type: "Double", default: "0.001"),
        ParameterSpec("beta1", type: "Double", default: "0.9"),
        ParameterSpec("beta2", type: "Double", default: "0.999"),
        ParameterSpec("weightDecay", type: "Double", default: "0", "L2 penalty added to the gradient"),
        scheduleParameter,
      ], returns: "Optimizer", category: category, "Adam (Kingma & Ba), as PyTorch implements it.",
      example: "let adam = Adam(learningRate: 0.001)"
    ) { args in
      let recipe = AdamRecipe(
        learningRate: Float(try rate(args, 0, default: 0.001)), beta1: Float(try beta(args, 1, default: 0.9)),
        beta2: Float(try beta(args, 2, default: 0.999)), weightDecay: Float(try nonNegative(args, 3, default: 0)),
        schedule: try schedule(args, 4))
      return .host(OptimizerObject(recipe))
    }
  }

  static var adamW: BuiltinFunction {
    trainingBuiltin(
      "AdamW",
      [
        ParameterSpec("learningRate", type: "Double", default: "0.001"),
        ParameterSpec("weightDecay", type: "Double", default: "0.01", "decoupled: shrinks the weights directly"),
        scheduleParameter,
      ], returns: "Optimizer", category: category, "Adam with decoupled weight decay (Loshchilov & Hutter).",
      example: "let adamw = AdamW(learningRate: 0.001, weightDecay: 0.01)"
    ) { args in
      let recipe = AdamRecipe(
        learningRate: Float(try rate(args, 0, default: 0.001)),
        weightDecay: Float(try nonNegative(args, 1, default: 0.01)),
        decoupled: true, schedule: try schedule(args, 2))
      return .host(OptimizerObject(recipe))
    }
  }

  static var schedules: [BuiltinFunction] {
    [
      trainingBuiltin(
        "stepDecay",
        [
          ParameterSpec("every", type: "Int", "epochs between decays"),
          ParameterSpec("factor", type: "Double", default: "0.1", "what the rate is multiplied by"),
        ], returns: "Schedule", category: category, "A learning rate multiplied by a factor every few epochs.",
        example: "SGD(learningRate: 0.1, schedule: stepDecay(every: 30, factor: 0.1))"
      ) { args in
        .host(
          ScheduleObject(.step(epochs: try args.positiveInt(0), factor: Float(try nonNegative(args, 1, default: 0.1)))))
      },
      trainingBuiltin(
        "warmUp",
        [
          ParameterSpec("epochs", type: "Int", "epochs of linear ramp from 0"),
          ParameterSpec("then", type: "Schedule", default: ".constant", "the schedule after the warm-up"),
        ], returns: "Schedule", category: category, "A linear ramp up to the learning rate, then another schedule.",
        example: "Adam(learningRate: 0.001, schedule: warmUp(epochs: 1, then: .cosine))"
      ) { args in
        .host(ScheduleObject(.warmUp(epochs: try args.positiveInt(0), then: try schedule(args, 1))))
      },
    ]
  }

  static func rate(_ args: Arguments, _ index: Int, default fallback: Double) throws -> Double {
    let value = try args.double(index, default: fallback)
    guard value.isFinite, value >= 0 else {
      throw RuntimeError(
        .valueError, "'\(args.parameterName(index))' of '\(args.function)' must be a finite number ≥ 0, not \(value)")
    }
    return value
  }

  static func nonNegative(_ args: Arguments, _ index: Int, default fallback: Double) throws -> Double {
    try rate(args, index, default: fallback)
  }

  static func beta(_ args: Arguments, _ index: Int, default fallback: Double) throws -> Double {
    let value = try args.double(index, default: fallback)
    guard (0..<1).contains(value) else {
      throw RuntimeError(
        .valueError, "'\(args.parameterName(index))' of '\(args.function)' must be in 0..<1, not \(value)")
    }
    return value
  }

  static func schedule(_ args: Arguments, _ index: Int) throws -> ScheduleRecipe {
    if case .host(let object as ScheduleObject)? = args[index] { return object.recipe }
    switch try args.choice(index, among: ["constant", "cosine", "linear"], default: "constant") {
    case "cosine": return .cosine(minimum: 0)
    case "linear": return .linear(final: 0)
    default: return .constant
    }
  }
}

/// An optimizer's settings as a value; `fit` makes a fresh optimizer from it for each run.
final class OptimizerObject: HostObject {
  let recipe: any OptimizerRecipe
  init(_ recipe: any OptimizerRecipe) { self.recipe = recipe }
  var typeName: String { "Optimizer" }
  var description: String { recipe.description }
  var memberNames: [String] { ["learningRate"] }
  func member(_ name: String) throws -> Value? {
    // Through its text: the Float 0.1 widened to Double would print as 0.10000000149011612.
    name == "learningRate" ? .double(Double("\(recipe.learningRate)") ?? Double(recipe.learningRate)) : nil
  }
}

/// A learning-rate schedule as a value.
final class ScheduleObject: HostObject {
  let recipe: ScheduleRecipe
  init(_ recipe: ScheduleRecipe) { self.recipe = recipe }
  var typeName: String { "Schedule" }
  var description: String { recipe.description }
}
