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
      ], returns: "Model", category: "Models",
      "A model from a safetensors file: Tempo's own, or a PyTorch state dict saved with safetensors.",
      discussion:
        "A file saved by Tempo rebuilds its own architecture. For other files pass the architecture with into:, built (an MLP, or run.model) so its shapes are known; every tensor must match a parameter by name and shape, or nothing is loaded and the error names the tensor.",
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
      try EngineErrors.translating {
        try module.loadStateDictionary(file.tensors.map { ($0.name, $0.tensor) })
      }
      module.setTraining(false)
      return .host(ModelObject(recipe: recipe, module: module, sampleShape: shape, task: task))
    }
  }
}

extension ModelObject: SavableObject {
  func save(to path: String, fileExtension: String) throws { try Checkpoints.save(self, to: path) }
}

extension RunObject: SavableObject {
  func save(to path: String, fileExtension: String) throws { try Checkpoints.save(model, to: path) }
}
