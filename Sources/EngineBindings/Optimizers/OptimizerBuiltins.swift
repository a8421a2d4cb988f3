import Optimizers
import TempoRuntime
import Training

/// `SGD`, `Adam`, `AdamW` and learning-rate schedules, as values `fit` makes optimizers from.
enum OptimizerBuiltins {
  static let category = "Optimizers"

  static var all: [BuiltinFunction] { [sgd, adam, adamW] + schedules }

  /// `.constant`, `.cosine`, `.linear`, or a schedule made by `stepDecay` or `warmUp`.
  static func scheduleParameter(_ label: String, _ summary: String) -> ParameterSpec {
    ParameterSpec(
      label, .oneOf([.symbol, .host("Schedule")]), default: .symbol("constant"),
      check: .choices(["constant", "cosine", "linear"]), summary)
  }

  static let scheduleSummary = "how the rate changes over the run: a symbol, or stepDecay(…), warmUp(…)"

  /// `parameters: Parameters? = nil`: train only a part of the model.
  static let parametersParameter = ParameterSpec(
    "parameters", .optional(.host("Parameters")), default: nil,
    "train only these (net.head, say); the rest stay as they are and are not differentiated (nil: all)")

  static func selection(_ args: Arguments) throws -> ParameterSelection? {
    guard case .host(let chosen as ParametersObject)? = try args.optionalValue("parameters") else { return nil }
    return chosen.selection
  }

  static var sgd: BuiltinFunction {
    trainingBuiltin(
      "SGD",
      [
        ParameterSpec("learningRate", .double, default: 0.01, check: .nonNegative),
        ParameterSpec("momentum", .double, default: 0, check: .nonNegative),
        ParameterSpec("nesterov", .bool, default: false),
        ParameterSpec("weightDecay", .double, default: 0, check: .nonNegative, "L2 penalty added to the gradient"),
        scheduleParameter("schedule", scheduleSummary),
        parametersParameter,
      ], returns: "Optimizer", category: category,
      "Stochastic gradient descent, with PyTorch's momentum, Nesterov momentum and weight decay.",
      example: "let sgd = SGD(learningRate: 0.01, momentum: 0.9)", labelAdvice: FreezingAdvice.forOptimizerLabel("SGD")
    ) { args in
      let recipe = SGDRecipe(
        learningRate: Float(try args.double("learningRate")), momentum: Float(try args.double("momentum")),
        nesterov: try args.bool("nesterov"), weightDecay: Float(try args.double("weightDecay")),
        schedule: try schedule(args, "schedule"), selection: try selection(args))
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
        ParameterSpec("learningRate", .double, default: 0.001, check: .nonNegative),
        ParameterSpec("beta1", .double, default: 0.9, check: .unitInterval),
        ParameterSpec("beta2", .double, default: 0.999, check: .unitInterval),
        ParameterSpec("weightDecay", .double, default: 0, check: .nonNegative, "L2 penalty added to the gradient"),
        scheduleParameter("schedule", scheduleSummary),
        parametersParameter,
      ], returns: "Optimizer", category: category, "Adam (Kingma & Ba), as PyTorch implements it.",
      example: "let adam = Adam(learningRate: 0.001)", labelAdvice: FreezingAdvice.forOptimizerLabel("Adam")
    ) { args in
      let recipe = AdamRecipe(
        learningRate: Float(try args.double("learningRate")), beta1: Float(try args.double("beta1")),
        beta2: Float(try args.double("beta2")), weightDecay: Float(try args.double("weightDecay")),
        schedule: try schedule(args, "schedule"), selection: try selection(args))
      return .host(OptimizerObject(recipe))
    }
  }

  static var adamW: BuiltinFunction {
    trainingBuiltin(
      "AdamW",
      [
        ParameterSpec("learningRate", .double, default: 0.001, check: .nonNegative),
        ParameterSpec(
          "weightDecay", .double, default: 0.01, check: .nonNegative, "decoupled: shrinks the weights directly"),
        scheduleParameter("schedule", scheduleSummary),
        parametersParameter,
      ], returns: "Optimizer", category: category, "Adam with decoupled weight decay (Loshchilov & Hutter).",
      example: "let adamw = AdamW(learningRate: 0.001, weightDecay: 0.01)",
      labelAdvice: FreezingAdvice.forOptimizerLabel("AdamW")
    ) { args in
      let recipe = AdamRecipe(
        learningRate: Float(try args.double("learningRate")), weightDecay: Float(try args.double("weightDecay")),
        decoupled: true, schedule: try schedule(args, "schedule"), selection: try selection(args))
      return .host(OptimizerObject(recipe))
    }
  }

  static var schedules: [BuiltinFunction] {
    [
      trainingBuiltin(
        "stepDecay",
        [
          ParameterSpec("every", .int, check: .positive, "epochs between decays"),
          ParameterSpec("factor", .double, default: 0.1, check: .nonNegative, "what the rate is multiplied by"),
        ], returns: "Schedule", category: category, "A learning rate multiplied by a factor every few epochs.",
        example: "SGD(learningRate: 0.1, schedule: stepDecay(every: 30, factor: 0.1))"
      ) { args in
        .host(
          ScheduleObject(.step(epochs: try args.int("every"), factor: Float(try args.double("factor")))))
      },
      trainingBuiltin(
        "warmUp",
        [
          ParameterSpec("epochs", .int, check: .positive, "epochs of linear ramp from 0"),
          scheduleParameter("then", "the schedule after the warm-up"),
        ], returns: "Schedule", category: category, "A linear ramp up to the learning rate, then another schedule.",
        example: "Adam(learningRate: 0.001, schedule: warmUp(epochs: 1, then: .cosine))"
      ) { args in
        .host(ScheduleObject(.warmUp(epochs: try args.int("epochs"), then: try schedule(args, "then"))))
      },
    ]
  }

  /// `[net.biases: SGD(…), net.weights: SGD(…)]` as parameter groups: the keys are selections
  /// of one model, the values SGD, Adam, AdamW or `.frozen` (kept as it is, not differentiated);
  /// coverage is checked when the run builds it.
  static func parameterGroups(_ map: OrderedMap) throws -> any OptimizerRecipe {
    var groups: [ParameterGroupsRecipe.Group] = []
    var model: ModelObject?
    for (key, value) in zip(map.keys, map.values) {
      guard case .host(let chosen as ParametersObject) = key else {
        throw RuntimeError(
          .typeError, "parameter groups map parameters to optimizers, not \(key.typeName) to \(value.typeName)",
          help: "write [net.biases: SGD(learningRate: 1.0), net.weights: SGD(learningRate: 0.2)]")
      }
      if let model, model !== chosen.model {
        throw RuntimeError(
          .valueError, "parameter group '\(chosen.title)' belongs to another model than the groups before it",
          help: "take every group from the model you fit: [net.biases: …, net.weights: …] with the same net")
      }
      model = chosen.model
      groups.append(.init(title: chosen.title, selection: chosen.selection, recipe: try groupRecipe(value, chosen)))
    }
    return try EngineErrors.translating { try ParameterGroupsRecipe(groups) }
  }

  /// A group's value: an optimizer, or `.frozen` (nil).
  private static func groupRecipe(_ value: Value, _ key: ParametersObject) throws -> (any OptimizerRecipe)? {
    switch value {
    case .host(let optimizer as OptimizerObject): return optimizer.recipe
    case .host(let symbol as Symbol) where symbol.name == "frozen": return nil
    case .host(let symbol as Symbol):
      throw RuntimeError(
        .valueError, "parameter group '\(key.title)' is .\(symbol.name); a group is an optimizer or .frozen",
        help: "write .frozen to keep the group as it is, or an optimizer such as SGD(learningRate: 0.01) to train it")
    default:
      throw RuntimeError(
        .typeError, "parameter groups map parameters to optimizers or .frozen, not Parameters to \(value.typeName)",
        help: "write [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]")
    }
  }

  /// A schedule argument: a schedule value, or one of the declared symbols.
  static func schedule(_ args: Arguments, _ name: String) throws -> ScheduleRecipe {
    if case .host(let object as ScheduleObject) = try args.value(name) { return object.recipe }
    switch try args.symbol(name) {
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
  static let memberTypes: [String: String] = ["learningRate": "Double"]
  var memberNames: [String] { Self.memberTypes.keys.sorted() }
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
