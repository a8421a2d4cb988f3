import Datasets
import NN
import Optimizers
import PlotBindings
import Plotting
import TempoRuntime
import TensorCore
import Training

/// A model as a Tempo value: a recipe and, once built, weights.
///
/// Models are values: nothing the language offers changes one in place. `fit` trains a copy
/// and returns it in the run, `replacingHead` and `load` return new models. A model made by a
/// constructor (`MLP(…)`, `ConvNet(…)`) has no weights yet: `fit` builds it for the data, with
/// initial weights from its `seed:`, so runs over seeds start from different weights.
final class ModelObject: HostObject {
  let recipe: ModelRecipe
  /// The weights; nil until the model is built or trained.
  let module: Module?
  /// The shape of one sample the model was built for, when known.
  let sampleShape: [Int]?
  /// The data's task the model was built for (the vocabulary of a language model).
  let task: DataTask?

  init(recipe: ModelRecipe, module: Module? = nil, sampleShape: [Int]? = nil, task: DataTask? = nil) {
    self.recipe = recipe
    self.module = module
    self.sampleShape = sampleShape ?? recipe.statedSampleShape
    self.task = task
  }

  var typeName: String { "Model" }

  /// A fresh module for training on `data`: a copy of the weights, or new weights from `seed`.
  func instantiate(for data: Dataset, seed: UInt64) throws -> Module {
    if let module {
      if let sampleShape, sampleShape.reduce(1, *) != data.sampleShape.reduce(1, *) {
        throw ModelBuildError(
          "this \(recipe.title) was built for samples of shape \(sampleShape) but '\(data.name)' has samples of shape \(data.sampleShape)",
          help: "use data of the same shape, or a new model for this data")
      }
      return try module.copy()
    }
    if case .mlp(let sizes, _, _) = recipe, let first = sizes.first {
      let values = data.sampleShape.reduce(1, *)
      guard first == values else {
        throw ModelBuildError(
          "the MLP takes \(first) inputs but each sample of '\(data.name)' has \(values) values (shape \(data.sampleShape))",
          help: "start the sizes with \(values): MLP([\(values), …])")
      }
    }
    var generator = RandomGenerator(seed: seed)
    return try recipe.build(
      sampleShape: data.sampleShape, task: data.task, vocabulary: data.vocabulary?.count, generator: &generator)
  }

  /// The built module, building it with seed 0 when the recipe states every size.
  func builtModule(for purpose: String) throws -> Module {
    if let module { return module }
    guard !recipe.needsData else {
      throw RuntimeError(
        .valueError, "\(recipe.title) has no weights yet, so it has no \(purpose)",
        help: "its input size comes from the data: fit it first (fit(model, on: data)), then use run.model")
    }
    var generator = RandomGenerator(seed: 0)
    return try EngineErrors.translating {
      try recipe.build(sampleShape: sampleShape, task: task, generator: &generator)
    }
  }

  var description: String {
    guard module != nil || !recipe.needsData, let summary = try? summaryText() else {
      return "\(recipe.title) — not built yet: its input size comes from the data it is fit on"
    }
    return summary
  }

  private func summaryText() throws -> String {
    let model = try builtModule(for: "summary")
    guard let sampleShape else { return "\(recipe.title), \(model.parameterCount) parameters" }
    return "\(recipe.title)\n" + (try model.summary(inputShape: [1] + sampleShape)).description
  }

  func summaryTable() throws -> Table {
    let model = try builtModule(for: "summary")
    guard let sampleShape else {
      throw RuntimeError(.valueError, "the input shape of this model is not known, so its summary cannot be taken")
    }
    let summary = try EngineErrors.translating { try model.summary(inputShape: [1] + sampleShape) }
    return Table(
      columns: ["layer", "type", "output shape", "parameters"],
      rows: summary.rows.map {
        [
          .text($0.path), .text($0.layer), .text(Tensor.describe(Array($0.outputShape.dropFirst()))),
          .integer($0.parameterCount),
        ]
      } + [[.text("total"), .text(""), .text(""), .integer(summary.totalParameters)]],
      title: recipe.title)
  }

  func displayRepresentations() -> [String: String] {
    guard let table = try? summaryTable() else { return [:] }
    return ["text/html": table.html]
  }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  static let memberTypes: [String: String] = [
    "biases": "Parameters", "head": "Parameters", "inputBiases": "Parameters", "isBuilt": "Bool", "layers": "[String]",
    "outputBiases": "Parameters", "parameterCount": "Int", "parameters": "-> Parameters",
    "randomSubsets": "-> RandomSubsets", "replacingHead": "-> Model", "summary": "Table", "trunk": "Parameters",
    "weights": "Parameters",
  ]

  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func missingMemberHelp(_ name: String) -> String? { FreezingAdvice.forModelMember(name) }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "isBuilt": return .bool(module != nil)
    case "summary": return .host(TableObject(try summaryTable()))
    case "parameterCount": return .int(try builtModule(for: "parameters").parameterCount)
    case "layers":
      let model = try builtModule(for: "layers")
      let layers = (model as? Sequential)?.children ?? model.children
      return .array(layers.map { .string("\($0.name): \($0.module.configurationDescription)") })
    case "head": return .host(ParametersObject(model: self, selection: .head, title: "head"))
    case "trunk": return .host(ParametersObject(model: self, selection: .trunk, title: "trunk"))
    case "weights": return .host(ParametersObject(model: self, selection: .weights, title: "weights"))
    case "biases": return .host(ParametersObject(model: self, selection: .biases, title: "biases"))
    case "inputBiases":
      // The first layer with parameters, as the model is built (the recipe alone does not say).
      let module = try builtModule(for: "input biases")
      guard let first = module.children.firstIndex(where: { !$0.module.parameters.isEmpty }) else {
        throw RuntimeError(.valueError, "\(recipe.title) has no layer with parameters", help: "use a model with layers")
      }
      return .host(
        ParametersObject(model: self, selection: .intersection([.layer(first), .biases]), title: "input biases"))
    case "outputBiases":
      return .host(ParametersObject(model: self, selection: .intersection([.head, .biases]), title: "output biases"))
    case "parameters": return .function(parametersMethod)
    case "randomSubsets": return .function(randomSubsetsMethod)
    case "replacingHead": return .function(replacingHeadMethod)
    default: return nil
    }
  }

  private var parametersMethod: BuiltinFunction {
    trainingBuiltin(
      "parameters",
      [ParameterSpec("matching", "pattern", .string, "a path pattern: * any run, ? one character")],
      returns: "Parameters", category: "Models", "The parameters whose paths match a pattern.",
      example: "model.parameters(matching: \"*.bias\")"
    ) { [self] args in
      let pattern = try args.string("pattern")
      return .host(ParametersObject(model: self, selection: .path(pattern), title: "matching \"\(pattern)\""))
    }
  }

  private var randomSubsetsMethod: BuiltinFunction {
    trainingBuiltin(
      "randomSubsets",
      [
        ParameterSpec(
          "probabilities", .array(.double),
          "per weight tensor in order (the last repeats): the chance that an element is chosen"),
        ParameterSpec("includeBiases", .bool, default: false, "biases take their layer's probability (else never)"),
        .seed("seeds the draws"),
      ], returns: "RandomSubsets", category: "Models",
      "Random subsets of the weights, redrawn as training goes: the slow group of the random-subgroup multirate regulariser, or the masks of its no-multirate ablation.",
      discussion:
        "The paper (Vlaar & Leimkuhler 2022, §5.1) draws each element of the input layer's weights with probability 0.8 and of the hidden layer's with 0.5: randomSubsets(probabilities: [0.8, 0.5]). Multirate redraws them every cycle, RandomMasking every step.",
      example:
        "let net = MLP([64, 32, 10])\nMultirate(SGD(learningRate: 0.1), k: 5, slow: net.randomSubsets(probabilities: [0.8, 0.5]))"
    ) { args in
      let probabilities = try args.sequence("probabilities").map { value -> Float in
        let number: Double
        switch value {
        case .double(let d): number = d
        case .int(let i): number = Double(i)
        default: number = .nan
        }
        guard (0...1).contains(number) else {
          throw RuntimeError(
            .valueError, "'probabilities' of 'randomSubsets' must be numbers in 0...1, not \(value)",
            help: "the paper uses [0.8, 0.5]: input layer, hidden layer")
        }
        return Float(number)
      }
      guard !probabilities.isEmpty else {
        throw RuntimeError(
          .valueError, "'probabilities' of 'randomSubsets' needs at least one probability",
          help: "the paper uses [0.8, 0.5]: input layer, hidden layer")
      }
      return .host(
        RandomSubsetsObject(
          RandomSubsets(
            probabilities: probabilities, includeBiases: try args.bool("includeBiases"), seed: try args.seed("seed"))))
    }
  }

  private var replacingHeadMethod: BuiltinFunction {
    trainingBuiltin(
      "replacingHead",
      [
        ParameterSpec("outputs", .int, check: .positive, "the new head's outputs (classes of the new task)"),
        ParameterSpec(
          "pooling", .optional(.symbol), default: nil, check: .choices(["mean"]),
          "nil: the head reads what the old one read; .mean: the mean over positions first (a language model → a sequence classifier)"
        ),
        .seed("seeds the new head's initial weights"),
      ], returns: "Model", category: "Models",
      "A copy of the model whose last Linear layer is replaced by a fresh one (fine-tuning on a new task).",
      discussion:
        "A language model (CharLM, Transformer without classes) predicts at every position; pooling: .mean puts the mean over positions before the new head, so the pre-trained trunk classifies whole sequences, laid out as Transformer(classes:) is. Fine-tune it on TextClassification(…) or RottenTomatoes(…) data made with the pre-training text's vocabulary and of the same length.",
      example: "let net = base.model.replacingHead(outputs: 5)"
    ) { [self] args in
      let outputs = try args.int("outputs")
      let pooled = try args.optionalSymbol("pooling") == "mean"
      let module = try builtModule(for: "head to replace")
      var generator = RandomGenerator(seed: try args.seed("seed"))
      let replaced = try EngineErrors.translating {
        try module.replacingHead(outputs: outputs, poolingPositions: pooled, generator: &generator)
      }
      return .host(
        ModelObject(
          recipe: .replacedHead(base: recipe, outputs: outputs, pooled: pooled), module: replaced,
          sampleShape: sampleShape, task: task))
    }
  }

  var documentation: Documentation? {
    Documentation(
      name: "Model",
      summary: "A neural network: made by MLP, ConvNet, ResNet, CharLM, Transformer or Sequential, trained by fit.",
      discussion:
        "Models are values: fit trains a copy and returns it as run.model. A new model has no weights until fit builds it for the data, with initial weights from fit's seed. Members: summary (a table of layers, output shapes and parameters), layers, parameterCount, head, trunk (everything but the head), weights, biases, inputBiases (the first layer's), outputBiases (the head's), parameters(matching:) (parameter groups for optimizers; combine them with + and -), randomSubsets(probabilities:) (random weight subsets for the random-subgroup multirate), replacingHead(outputs:pooling:).",
      example: "let model = MLP([784, 256, 10])\nmodel.summary", category: "Models")
  }
}

extension ModelRecipe {
  /// The sample shape a recipe states by itself (an MLP's first size).
  var statedSampleShape: [Int]? {
    switch self {
    case .mlp(let sizes, _, _): return sizes.first.map { [$0] }
    case .sequential(let layers):
      if case .linear(let inputs, _, _)? = layers.first { return [inputs] }
      return nil
    case .replacedHead(let base, _, _), .alrao(let base, _, _): return base.statedSampleShape
    default: return nil
    }
  }
}

/// Random subsets of a model's weights, drawn anew as training goes (see `RandomSubsets`).
final class RandomSubsetsObject: HostObject {
  let subsets: RandomSubsets
  init(_ subsets: RandomSubsets) { self.subsets = subsets }
  var typeName: String { "RandomSubsets" }
  var description: String { subsets.description }
}

/// Some of a model's parameters: its head, its weights or biases, or those matching a pattern.
/// Optimizers take them to train only a part of a model (multirate's fast part, say).
///
/// A selection is a value, resolved against the model when it is built: `ConvNet().head` is
/// valid before `fit` has given the model weights for its data; what it picks is known (and
/// shown) once the model is built.
final class ParametersObject: HostObject {
  let selection: ParameterSelection
  let title: String
  let model: ModelObject

  init(model: ModelObject, selection: ParameterSelection, title: String) {
    self.selection = selection
    self.title = title
    self.model = model
  }

  /// The parameters picked in `module`, the model built for a run.
  func resolve(in module: Module) throws -> [SelectedParameter] {
    try EngineErrors.translating { try selection.resolve(in: module) }
  }

  /// What the selection picks in the model as it is now; nil while it has no weights.
  private func resolvedNow() throws -> (paths: [String], valueCount: Int)? {
    guard model.module != nil || !model.recipe.needsData else { return nil }
    let chosen = try resolve(in: try model.builtModule(for: "parameters"))
    let valueCount = chosen.reduce(0) { total, parameter in
      total + (parameter.mask.map { mask in mask.scalars.reduce(0) { $0 + Int($1) } } ?? parameter.variable.value.count)
    }
    return (chosen.map(\.path), valueCount)
  }

  /// `a + b` (either), `a - b` (a but not b): parameter groups of one model combine.
  func applying(_ op: String, to other: Value) throws -> Value? {
    guard op == "+" || op == "-" else { return nil }
    guard case .host(let right as ParametersObject) = other else { return nil }
    guard right.model === model else {
      throw RuntimeError(
        .valueError, "'\(title)' and '\(right.title)' belong to different models and cannot be combined",
        help: "combine parameter groups of the same model value")
    }
    let combined: ParameterSelection =
      op == "+" ? .union([selection, right.selection]) : .intersection([selection, .complement(right.selection)])
    return .host(ParametersObject(model: model, selection: combined, title: "\(title) \(op) \(right.title)"))
  }

  var typeName: String { "Parameters" }
  /// A key of parameter groups, `[net.biases: SGD(…)]`: by identity, each `net.biases` its own.
  var isDictionaryKey: Bool { true }
  var description: String {
    guard let resolved = try? resolvedNow() else {
      return "\(title) of \(model.recipe.title) — picked when fit builds the model for its data"
    }
    return
      "\(title): \(resolved.paths.count) tensors, \(resolved.valueCount) values (\(resolved.paths.joined(separator: ", ")))"
  }
  static let memberTypes: [String: String] = ["count": "Int", "paths": "[String]"]
  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func missingMemberHelp(_ name: String) -> String? { FreezingAdvice.forMember(name, of: self) }

  /// `net.head.requiresGrad = false`, PyTorch's freezing, answered with Tempo's.
  func setMember(_ name: String, to value: Value) throws {
    throw RuntimeError(
      .typeError, "cannot assign to property '\(name)' of 'Parameters'",
      help: FreezingAdvice.forMember(name, of: self, setting: value) ?? "a selection has no settable properties")
  }

  func member(_ name: String) throws -> Value? {
    guard name == "paths" || name == "count" else { return nil }
    guard let resolved = try resolvedNow() else {
      throw RuntimeError(
        .valueError, "\(model.recipe.title) has no weights yet, so its \(title) has no \(name) to show",
        help: "fit it first and look at run.model's parameters; the selection itself can be used as it is")
    }
    return name == "paths" ? .array(resolved.paths.map(Value.string)) : .int(resolved.valueCount)
  }
}
