import NN
import TempoRuntime

/// `MLP`, `ConvNet`, `ResNet`, `CharLM`, `Transformer`, `Sequential` and the layers a
/// `Sequential` is made of.
enum ModelBuiltins {
  static let category = "Models"

  static var all: [BuiltinFunction] { models + layers }

  static var models: [BuiltinFunction] {
    [
      trainingBuiltin(
        "MLP",
        [
          ParameterSpec(nil, "sizes", type: "[Int]", "inputs, hidden widths, outputs: [784, 256, 10]"),
          ParameterSpec("activation", type: "Symbol", default: ".relu", ".relu, .tanh, .sigmoid or .gelu"),
          ParameterSpec("dropout", type: "Double", default: "0", "dropout probability after each hidden layer"),
        ], returns: "Model", category: category,
        "A multilayer perceptron: Linear layers with an activation between them.",
        discussion: "Images are flattened first, so MLP([784, 256, 10]) trains on 28×28 images directly.",
        example: "let model = MLP([784, 256, 256, 10], activation: .tanh)"
      ) { args in
        let sizes = try args.sizes(0)
        guard sizes.count >= 2 else {
          throw RuntimeError(
            .valueError, "'MLP' needs at least an input and an output size, got \(sizes)", help: "write MLP([784, 10])")
        }
        let dropout = try args.double(2, default: 0)
        guard (0..<1).contains(dropout) else {
          throw RuntimeError(.valueError, "'dropout' of 'MLP' must be in 0..<1, not \(dropout)")
        }
        return model(.mlp(sizes: sizes, activation: try activation(args, 1), dropout: Float(dropout)))
      },
      trainingBuiltin(
        "ConvNet",
        [
          ParameterSpec("channels", type: "[Int]", default: "[32, 64]", "output channels of each 3×3 convolution"),
          ParameterSpec("hidden", type: "Int?", default: "128", "width of the hidden Linear layer (nil: none)"),
          ParameterSpec("classes", type: "Int", default: "10", "outputs"),
          ParameterSpec("batchNorm", type: "Bool", default: "false", "batch normalisation after each convolution"),
        ], returns: "Model", category: category,
        "A convolutional network: per channel count a 3×3 convolution, ReLU and 2×2 max-pooling; then Linear layers.",
        discussion: "The input channels and image size come from the data when fit builds it.",
        example: "let model = ConvNet(channels: [32, 64], classes: 10)"
      ) { args in
        let channels = args.has(0) ? try args.sizes(0) : [32, 64]
        guard !channels.isEmpty else {
          throw RuntimeError(.valueError, "'channels' of 'ConvNet' needs at least one channel count")
        }
        let hidden: Int? = args[1].map { $0.isNil } == true ? nil : try args.positiveInt(1, default: 128)
        return model(
          .convNet(
            channels: channels, hidden: hidden, classes: try args.positiveInt(2, default: 10),
            batchNorm: try args.bool(3, default: false)))
      },
      trainingBuiltin(
        "ResNet",
        [
          ParameterSpec("depth", type: "Int", default: "20", "6n + 2 layers: 8, 14, 20, 32, …"),
          ParameterSpec("widths", type: "[Int]", default: "[16, 32, 64]", "channels of the three stages"),
          ParameterSpec("classes", type: "Int", default: "10", "outputs"),
        ], returns: "Model", category: category,
        "A residual network for small images (He et al. 2016, §4.2): three stages of basic blocks with batch norm.",
        example: "let model = ResNet(depth: 8, widths: [8, 16, 32], classes: 10)"
      ) { args in
        let widths = args.has(1) ? try args.sizes(1) : [16, 32, 64]
        return model(
          .resNet(
            depth: try args.positiveInt(0, default: 20), widths: widths, classes: try args.positiveInt(2, default: 10)))
      },
      trainingBuiltin(
        "CharLM",
        [
          ParameterSpec("embedding", type: "Int", default: "64", "width of each character's embedding"),
          ParameterSpec("hidden", type: "Int", default: "128", "LSTM hidden size"),
          ParameterSpec("layers", type: "Int", default: "1", "stacked LSTM layers"),
        ], returns: "Model", category: category,
        "A character-level language model: embedding, LSTM, and a Linear layer predicting the next character.",
        discussion: "The vocabulary comes from the text it is fit on.",
        example: "let lm = CharLM(hidden: 128)"
      ) { args in
        model(
          .charLM(
            embedding: try args.positiveInt(0, default: 64), hidden: try args.positiveInt(1, default: 128),
            layers: try args.positiveInt(2, default: 1)))
      },
      trainingBuiltin(
        "Transformer",
        [
          ParameterSpec("width", type: "Int", default: "64", "model width"),
          ParameterSpec("heads", type: "Int", default: "2", "attention heads (must divide the width)"),
          ParameterSpec("layers", type: "Int", default: "2", "encoder layers"),
          ParameterSpec("feedforward", type: "Int", default: "128", "hidden width of each feed-forward block"),
          ParameterSpec("causal", type: "Bool", default: "true", "each position sees only earlier ones"),
          ParameterSpec("classes", type: "Int?", default: "nil", "nil: a language model; n: classify whole sequences"),
        ], returns: "Model", category: category,
        "A small transformer over token sequences, with learned positions.",
        discussion:
          "Without classes it predicts the next token at every position; with classes it averages over positions and classifies.",
        example: "let model = Transformer(width: 64, heads: 2, layers: 2)"
      ) { args in
        let classes: Int? = args.has(5) ? try args.positiveInt(5) : nil
        let width = try args.positiveInt(0, default: 64)
        let heads = try args.positiveInt(1, default: 2)
        guard width % heads == 0 else {
          throw RuntimeError(
            .valueError, "'heads' of 'Transformer' must divide the width: \(heads) does not divide \(width)")
        }
        return model(
          .transformer(
            width: width, heads: heads, layers: try args.positiveInt(2, default: 2),
            feedforward: try args.positiveInt(3, default: 128), causal: try args.bool(4, default: true),
            classes: classes))
      },
      trainingBuiltin(
        "Sequential", [ParameterSpec(nil, "layers", type: "[Layer]", "layers made by Linear, Conv2d, ReLU, …")],
        returns: "Model", category: category, "Layers applied one after another.",
        example: "let model = Sequential([Flatten(), Linear(784, 128), ReLU(), Linear(128, 10)])"
      ) { args in
        let layers = try args.sequence(0).enumerated().map { position, element in
          guard case .host(let layer as LayerObject) = element else {
            throw RuntimeError(
              .typeError, "element \(position) of the layers of 'Sequential' is a \(element.typeName), not a Layer",
              help: "make layers with Linear, Conv2d, ReLU, Tanh, MaxPool, Flatten, Dropout, …")
          }
          return layer.recipe
        }
        guard !layers.isEmpty else { throw RuntimeError(.valueError, "'Sequential' needs at least one layer") }
        return model(.sequential(layers))
      },
    ]
  }

  static func model(_ recipe: ModelRecipe) -> Value { .host(ModelObject(recipe: recipe)) }

  static func activation(_ args: Arguments, _ index: Int) throws -> Activation.Kind {
    let word = try args.choice(index, among: ["relu", "tanh", "sigmoid", "gelu"], default: "relu")
    return Activation.Kind.allCases.first { $0.rawValue.lowercased() == word } ?? .relu
  }

  // MARK: - Layers

  static func layer(
    _ name: String, _ parameters: [ParameterSpec], _ summary: String, example: String,
    _ make: @escaping (Arguments) throws -> LayerRecipe
  ) -> BuiltinFunction {
    trainingBuiltin(name, parameters, returns: "Layer", category: "Layers", summary, example: example) { args in
      .host(LayerObject(try make(args)))
    }
  }

  static var layers: [BuiltinFunction] {
    [
      layer(
        "Linear",
        [
          ParameterSpec(nil, "inputs", type: "Int"), ParameterSpec(nil, "outputs", type: "Int"),
          ParameterSpec("bias", type: "Bool", default: "true"),
        ], "A fully connected layer: y = x·Wᵀ + b.", example: "Linear(784, 128)"
      ) { .linear(inputs: try $0.positiveInt(0), outputs: try $0.positiveInt(1), bias: try $0.bool(2, default: true)) },
      layer(
        "Conv2d",
        [
          ParameterSpec(nil, "inputs", type: "Int", "input channels"),
          ParameterSpec(nil, "outputs", type: "Int", "output channels"),
          ParameterSpec("kernel", type: "Int", default: "3"), ParameterSpec("stride", type: "Int", default: "1"),
          ParameterSpec("padding", type: "Int", default: "0"), ParameterSpec("bias", type: "Bool", default: "true"),
        ], "A 2-D convolution over [channels, height, width] images.", example: "Conv2d(1, 32, kernel: 3, padding: 1)"
      ) { args in
        let padding = try args.int(4, default: 0)
        guard padding >= 0 else { throw RuntimeError(.valueError, "'padding' of 'Conv2d' must be ≥ 0, not \(padding)") }
        return .conv2d(
          inputs: try args.positiveInt(0), outputs: try args.positiveInt(1),
          kernel: try args.positiveInt(2, default: 3),
          stride: try args.positiveInt(3, default: 1), padding: padding, bias: try args.bool(5, default: true))
      },
      layer("ReLU", [], "max(x, 0), elementwise.", example: "ReLU()") { _ in .activation(.relu) },
      layer("Tanh", [], "The hyperbolic tangent, elementwise.", example: "Tanh()") { _ in .activation(.tanh) },
      layer("Sigmoid", [], "1 / (1 + e⁻ˣ), elementwise.", example: "Sigmoid()") { _ in .activation(.sigmoid) },
      layer("GELU", [], "The Gaussian error linear unit, elementwise.", example: "GELU()") { _ in .activation(.gelu) },
      layer(
        "MaxPool", [ParameterSpec(nil, "size", type: "Int"), ParameterSpec("stride", type: "Int?", default: "size")],
        "The largest value of each size×size window.", example: "MaxPool(2)"
      ) { .maxPool(kernel: try $0.positiveInt(0), stride: $0.has(1) ? try $0.positiveInt(1) : nil) },
      layer(
        "AvgPool", [ParameterSpec(nil, "size", type: "Int"), ParameterSpec("stride", type: "Int?", default: "size")],
        "The mean of each size×size window.", example: "AvgPool(2)"
      ) { .avgPool(kernel: try $0.positiveInt(0), stride: $0.has(1) ? try $0.positiveInt(1) : nil) },
      layer("GlobalAvgPool", [], "The mean over height and width of each channel.", example: "GlobalAvgPool()") { _ in
        .globalAvgPool
      },
      layer("Flatten", [], "Each sample's values as one row.", example: "Flatten()") { _ in .flatten },
      layer(
        "Dropout", [ParameterSpec(nil, "probability", type: "Double")],
        "Zeroes each value with the given probability while training (scaling the rest up).", example: "Dropout(0.2)"
      ) { args in
        let probability = try args.double(0)
        guard (0..<1).contains(probability) else {
          throw RuntimeError(.valueError, "'Dropout' needs a probability in 0..<1, not \(probability)")
        }
        return .dropout(Float(probability))
      },
      layer(
        "BatchNorm",
        [ParameterSpec(nil, "channels", type: "Int"), ParameterSpec("spatial", type: "Bool", default: "true")],
        "Batch normalisation per channel (spatial: over images; false: over features).", example: "BatchNorm(32)"
      ) { .batchNorm(channels: try $0.positiveInt(0), spatial: try $0.bool(1, default: true)) },
      layer(
        "LayerNorm", [ParameterSpec(nil, "features", type: "Int")], "Normalisation over each sample's last axis.",
        example: "LayerNorm(64)"
      ) { .layerNorm(features: try $0.positiveInt(0)) },
      layer(
        "Embedding", [ParameterSpec(nil, "count", type: "Int"), ParameterSpec(nil, "dimension", type: "Int")],
        "A learned vector per token id.", example: "Embedding(100, 32)"
      ) { .embedding(count: try $0.positiveInt(0), dimension: try $0.positiveInt(1)) },
      layer(
        "LSTM",
        [
          ParameterSpec(nil, "inputs", type: "Int"), ParameterSpec(nil, "hidden", type: "Int"),
          ParameterSpec("layers", type: "Int", default: "1"),
        ], "A long short-term memory layer over [N, length, inputs] sequences.", example: "LSTM(32, 128)"
      ) {
        .lstm(inputs: try $0.positiveInt(0), hidden: try $0.positiveInt(1), layers: try $0.positiveInt(2, default: 1))
      },
    ]
  }
}

/// A layer for `Sequential`, as a value.
final class LayerObject: HostObject {
  let recipe: LayerRecipe
  init(_ recipe: LayerRecipe) { self.recipe = recipe }
  var typeName: String { "Layer" }
  var description: String { recipe.description }
}
