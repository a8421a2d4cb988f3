import Datasets
import JSONValue
import NN
import PlotBindings
import TempoRuntime
import TensorCore

/// Models in safetensors files: the weights under PyTorch's names, and in the metadata the
/// recipe and sample shape that rebuild the architecture, so `load(path)` needs nothing else.
enum Checkpoints {
  static let recipeKey = "tempo.model"
  static let shapeKey = "tempo.sampleShape"
  static let vocabularyKey = "tempo.vocabulary"

  static func save(_ model: ModelObject, to path: String) throws {
    guard path.lowercased().hasSuffix(".safetensors") else {
      throw RuntimeError(
        .valueError, "a model is saved as safetensors, not as '\(path)'", help: "use a path ending in .safetensors")
    }
    let module = try model.builtModule(for: "weights to save")
    var metadata = [recipeKey: model.recipe.json.text]
    if let shape = model.sampleShape { metadata[shapeKey] = JSON.array(shape.map { .int($0) }).text }
    if case .sequence(let vocabulary)? = model.task { metadata[vocabularyKey] = String(vocabulary) }
    try EngineErrors.translating { try module.save(to: path, metadata: metadata) }
  }

  static var load: BuiltinFunction {
    trainingBuiltin(
      "load",
      [
        ParameterSpec(nil, "path", .string, "a .safetensors file"),
        ParameterSpec(
          "into", .optional(.host("Model")), default: nil,
          "the architecture the weights belong to (needed for files not saved by Tempo, such as PyTorch's)"),
        ParameterSpec(
          "strict", .bool, default: true,
          "false: load the tensors that match by name and shape, keep the rest of the model as it is, and print what was skipped"
        ),
      ], returns: "Model", category: "Models",
      "A model from a safetensors file: Tempo's own, or a PyTorch state dict saved with safetensors.",
      discussion:
        "A file saved by Tempo rebuilds its own architecture. For other files pass the architecture with into:, built (an MLP, or run.model) so its shapes are known. By default every tensor must match a parameter by name and shape, or nothing is loaded and the error names the tensors. With strict: false (PyTorch's load_state_dict(strict=False), which also skips tensors whose shape differs) the matching tensors are loaded, the model's other parameters keep their values (a new head keeps its initial weights), and a note lists what was loaded, kept and skipped; a file with no matching tensor at all is still an error.",
      example: "save(run.model, \"digits.safetensors\")\nlet model = load(\"digits.safetensors\")"
    ) { args in
      let path = try args.string("path")
      let file = try EngineErrors.translating { try SafeTensorsFile.read(from: path) }
      let shape = file.metadata[shapeKey].flatMap { try? JSON.parse($0) }?.arrayValue?.compactMap(\.intValue)
      let vocabulary = file.metadata[vocabularyKey].flatMap { Int($0) }
      let task = vocabulary.map { DataTask.sequence(vocabulary: $0) }
      let recipe: ModelRecipe
      let module: Module
      if args.has("into") {
        let target = try args.object("into", ModelObject.self)
        recipe = target.recipe
        module = try target.builtModule(for: "architecture to load into").copy()
      } else {
        guard let text = file.metadata[recipeKey], let json = try? JSON.parse(text),
          let stored = ModelRecipe(json: json)
        else {
          throw RuntimeError(
            .dataError, "'\(path)' does not say which architecture its weights belong to (it was not saved by Tempo)",
            help: "pass the architecture: load(\"\(path)\", into: MLP([784, 256, 10]))")
        }
        recipe = stored
        var generator = RandomGenerator(seed: 0)
        module = try recipe.build(sampleShape: shape, task: task, generator: &generator)
      }
      let state = file.tensors.map { (path: $0.name, tensor: $0.tensor) }
      if try args.bool("strict") {
        try loadStrictly(state, into: module, recipe: recipe, from: path)
      } else {
        let report = try EngineErrors.translating { try module.loadStateDictionary(state, strict: false) }
        guard !report.loaded.isEmpty else {
          throw RuntimeError(
            .valueError,
            "none of the \(state.count) tensors in '\(path)' matches a parameter of \(recipe.title) by name and shape",
            help:
              "the file holds \(listed(state)); the model has \(listed(module.stateDictionary())): load it into the architecture it was saved from"
          )
        }
        if !report.isComplete {
          args.output.writeStandardOutput(loadNote(report, from: path, into: recipe.title) + "\n")
        }
      }
      module.setTraining(false)
      return .host(ModelObject(recipe: recipe, module: module, sampleShape: shape, task: task))
    }
  }

  /// All or nothing: a mismatch names the tensors and how to load what matches.
  static func loadStrictly(
    _ state: [(path: String, tensor: Tensor)], into module: Module, recipe: ModelRecipe, from path: String
  ) throws {
    do {
      try module.loadStateDictionary(state)
    } catch let error as ModuleError {
      throw RuntimeError(
        .valueError, "\(error.description) (\(recipe.title) from '\(path)'); nothing was loaded",
        help:
          "load(\"\(path)\", into: model, strict: false) loads the tensors that match by name and shape, keeps the model's other parameters and lists what it skipped"
      )
    }
  }

  /// What a non-strict load did, for the cell's output:
  /// `load: 4 of 6 tensors from 'a.safetensors' into MLP [64, 32, 5]; kept as they were (not in the file): …`.
  static func loadNote(_ report: StateLoadReport, from path: String, into title: String) -> String {
    let total = report.loaded.count + report.unexpected.count + report.mismatched.count
    var parts = ["load: \(report.loaded.count) of \(total) tensors from '\(path)' into \(title)"]
    if !report.mismatched.isEmpty {
      let shapes = report.mismatched.map {
        "\($0.path) (\(Tensor.describe($0.state)) in the file, \(Tensor.describe($0.model)) in the model)"
      }
      parts.append("skipped, shape differs: \(shapes.joined(separator: ", "))")
    }
    if !report.unexpected.isEmpty {
      parts.append("skipped, not in the model: \(report.unexpected.joined(separator: ", "))")
    }
    if !report.kept.isEmpty { parts.append("kept as they were: \(report.kept.joined(separator: ", "))") }
    return parts.joined(separator: "; ")
  }

  /// At most five paths with their shapes, then how many more.
  static func listed(_ state: [(path: String, tensor: Tensor)]) -> String {
    guard !state.isEmpty else { return "nothing" }
    let shown = state.prefix(5).map { "\($0.path) \(Tensor.describe($0.tensor.shape))" }.joined(separator: ", ")
    return state.count > 5 ? "\(shown) and \(state.count - 5) more" : shown
  }
}

extension ModelObject: SavableObject {
  func save(to path: String, fileExtension: String) throws { try Checkpoints.save(self, to: path) }
}

extension RunObject: SavableObject {
  func save(to path: String, fileExtension: String) throws { try Checkpoints.save(model, to: path) }
}
