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
          ParameterSpec(nil, "sizes", .array(.int), "inputs, hidden widths, outputs: [784, 256, 10]"),
          activationParameter,
          ParameterSpec(
            "dropout", .double, default: 0, check: .unitInterval, "dropout probability after each hidden layer"),
        ], returns: "Model", category: category,
        "A multilayer perceptron: Linear layers with an activation between them.",
        discussion: "Images are flattened first, so MLP([784, 256, 10]) trains on 28×28 images directly.",
        example: "let model = MLP([784, 256, 256, 10], activation: .tanh)"
      ) { args in
        let sizes = try args.sizes("sizes")
        guard sizes.count >= 2 else {
          throw RuntimeError(
            .valueError, "'MLP' needs at least an input and an output size, got \(sizes)", help: "write MLP([784, 10])")
        }
        return model(
          .mlp(sizes: sizes, activation: try activation(args), dropout: Float(try args.double("dropout"))))
      },
      trainingBuiltin(
        "ConvNet",
        [
          ParameterSpec("channels", .array(.int), default: [32, 64], "output channels of each 3×3 convolution"),
          ParameterSpec(
            "hidden", .optional(.int), default: 128, check: .positive, "width of the hidden Linear layer (nil: none)"),
          ParameterSpec("classes", .int, default: 10, check: .positive, "outputs"),
          ParameterSpec("batchNorm", .bool, default: false, "batch normalisation after each convolution"),
        ], returns: "Model", category: category,
        "A convolutional network: per channel count a 3×3 convolution, ReLU and 2×2 max-pooling; then Linear layers.",
        discussion: "The input channels and image size come from the data when fit builds it.",
        example: "let model = ConvNet(channels: [32, 64], classes: 10)"
      ) { args in
        let channels = try args.sizes("channels")
        guard !channels.isEmpty else {
          throw RuntimeError(.valueError, "'channels' of 'ConvNet' needs at least one channel count")
        }
        return model(
          .convNet(
            channels: channels, hidden: try args.optionalInt("hidden"), classes: try args.int("classes"),
            batchNorm: try args.bool("batchNorm")))
      },
      trainingBuiltin(
        "ResNet",
        [
          ParameterSpec("depth", .int, default: 20, check: .positive, "6n + 2 layers: 8, 14, 20, 32, …"),
          ParameterSpec("widths", .array(.int), default: [16, 32, 64], "channels of the three stages"),
          ParameterSpec("classes", .int, default: 10, check: .positive, "outputs"),
        ], returns: "Model", category: category,
        "A residual network for small images (He et al. 2016, §4.2): three stages of basic blocks with batch norm.",
        example: "let model = ResNet(depth: 8, widths: [8, 16, 32], classes: 10)"
      ) { args in
        model(
          .resNet(depth: try args.int("depth"), widths: try args.sizes("widths"), classes: try args.int("classes")))
      },
      trainingBuiltin(
        "CharLM",
        [
          ParameterSpec("embedding", .int, default: 64, check: .positive, "width of each character's embedding"),
          ParameterSpec("hidden", .int, default: 128, check: .positive, "LSTM hidden size"),
          ParameterSpec("layers", .int, default: 1, check: .positive, "stacked LSTM layers"),
        ], returns: "Model", category: category,
        "A character-level language model: embedding, LSTM, and a Linear layer predicting the next character.",
        discussion: "The vocabulary comes from the text it is fit on.",
        example: "let lm = CharLM(hidden: 128)"
      ) { args in
        model(
          .charLM(
            embedding: try args.int("embedding"), hidden: try args.int("hidden"), layers: try args.int("layers")))
      },
      trainingBuiltin(
        "Transformer",
        [
          ParameterSpec("width", .int, default: 64, check: .positive, "model width"),
          ParameterSpec("heads", .int, default: 2, check: .positive, "attention heads (must divide the width)"),
          ParameterSpec("layers", .int, default: 2, check: .positive, "encoder layers"),
          ParameterSpec("feedforward", .int, default: 128, check: .positive, "hidden width of each feed-forward block"),
          ParameterSpec("causal", .bool, default: true, "each position sees only earlier ones"),
          ParameterSpec(
            "classes", .optional(.int), default: nil, check: .positive,
            "nil: a language model; n: classify whole sequences"),
        ], returns: "Model", category: category,
        "A small transformer over token sequences, with learned positions.",
        discussion:
          "Without classes it predicts the next token at every position; with classes it averages over positions and classifies.",
        example: "let model = Transformer(width: 64, heads: 2, layers: 2)"
      ) { args in
        let classes = try args.optionalInt("classes")
        let width = try args.int("width")
        let heads = try args.int("heads")
        guard width % heads == 0 else {
          throw RuntimeError(
            .valueError, "'heads' of 'Transformer' must divide the width: \(heads) does not divide \(width)")
        }
        return model(
          .transformer(
            width: width, heads: heads, layers: try args.int("layers"), feedforward: try args.int("feedforward"),
            causal: try args.bool("causal"), classes: classes))
      },
      trainingBuiltin(
        "Sequential", [ParameterSpec(nil, "layers", .array(.host("Layer")), "layers made by Linear, Conv2d, ReLU, …")],
        returns: "Model", category: category, "Layers applied one after another.",
        example: "let model = Sequential([Flatten(), Linear(784, 128), ReLU(), Linear(128, 10)])"
      ) { args in
        let layers = try args.sequence("layers").enumerated().map { position, element in
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

  static let activationParameter = ParameterSpec(
    "activation", .symbol, default: .symbol("relu"), check: .choices(["relu", "tanh", "sigmoid", "gelu"]),
    "the nonlinearity between layers")

  static func activation(_ args: Arguments) throws -> Activation.Kind {
    let word = try args.symbol("activation")
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

  /// A pooling window's size and its stride (the size unless given).
  static let poolParameters = [
    ParameterSpec(nil, "size", .int, check: .positive),
    ParameterSpec("stride", .optional(.int), default: .computed("size"), check: .positive),
  ]

  static var layers: [BuiltinFunction] {
    [
      layer(
        "Linear",
        [
          ParameterSpec(nil, "inputs", .int, check: .positive), ParameterSpec(nil, "outputs", .int, check: .positive),
          ParameterSpec("bias", .bool, default: true),
        ], "A fully connected layer: y = x·Wᵀ + b.", example: "Linear(784, 128)"
      ) { .linear(inputs: try $0.int("inputs"), outputs: try $0.int("outputs"), bias: try $0.bool("bias")) },
      layer(
        "Conv2d",
        [
          ParameterSpec(nil, "inputs", .int, check: .positive, "input channels"),
          ParameterSpec(nil, "outputs", .int, check: .positive, "output channels"),
          ParameterSpec("kernel", .int, default: 3, check: .positive),
          ParameterSpec("stride", .int, default: 1, check: .positive),
          ParameterSpec("padding", .int, default: 0, check: .nonNegative), ParameterSpec("bias", .bool, default: true),
        ], "A 2-D convolution over [channels, height, width] images.", example: "Conv2d(1, 32, kernel: 3, padding: 1)"
      ) { args in
        .conv2d(
          inputs: try args.int("inputs"), outputs: try args.int("outputs"), kernel: try args.int("kernel"),
          stride: try args.int("stride"), padding: try args.int("padding"), bias: try args.bool("bias"))
      },
      layer("ReLU", [], "max(x, 0), elementwise.", example: "ReLU()") { _ in .activation(.relu) },
      layer("Tanh", [], "The hyperbolic tangent, elementwise.", example: "Tanh()") { _ in .activation(.tanh) },
      layer("Sigmoid", [], "1 / (1 + e⁻ˣ), elementwise.", example: "Sigmoid()") { _ in .activation(.sigmoid) },
      layer("GELU", [], "The Gaussian error linear unit, elementwise.", example: "GELU()") { _ in .activation(.gelu) },
      layer(
        "MaxPool", poolParameters, "The largest value of each size×size window.", example: "MaxPool(2)"
      ) { .maxPool(kernel: try $0.int("size"), stride: try $0.optionalInt("stride")) },
      layer(
        "AvgPool", poolParameters, "The mean of each size×size window.", example: "AvgPool(2)"
      ) { .avgPool(kernel: try $0.int("size"), stride: try $0.optionalInt("stride")) },
      layer("GlobalAvgPool", [], "The mean over height and width of each channel.", example: "GlobalAvgPool()") { _ in
        .globalAvgPool
      },
      layer("Flatten", [], "Each sample's values as one row.", example: "Flatten()") { _ in .flatten },
      layer(
        "Dropout", [ParameterSpec(nil, "probability", .double, check: .unitInterval)],
        "Zeroes each value with the given probability while training (scaling the rest up).", example: "Dropout(0.2)"
      ) { .dropout(Float(try $0.double("probability"))) },
      layer(
        "BatchNorm",
        [ParameterSpec(nil, "channels", .int, check: .positive), ParameterSpec("spatial", .bool, default: true)],
        "Batch normalisation per channel (spatial: over images; false: over features).", example: "BatchNorm(32)"
      ) { .batchNorm(channels: try $0.int("channels"), spatial: try $0.bool("spatial")) },
      layer(
        "LayerNorm", [ParameterSpec(nil, "features", .int, check: .positive)],
        "Normalisation over each sample's last axis.", example: "LayerNorm(64)"
      ) { .layerNorm(features: try $0.int("features")) },
      layer(
        "Embedding",
        [ParameterSpec(nil, "count", .int, check: .positive), ParameterSpec(nil, "dimension", .int, check: .positive)],
        "A learned vector per token id.", example: "Embedding(100, 32)"
      ) { .embedding(count: try $0.int("count"), dimension: try $0.int("dimension")) },
      layer(
        "LSTM",
        [
          ParameterSpec(nil, "inputs", .int, check: .positive), ParameterSpec(nil, "hidden", .int, check: .positive),
          ParameterSpec("layers", .int, default: 1, check: .positive),
        ], "A long short-term memory layer over [N, length, inputs] sequences.", example: "LSTM(32, 128)"
      ) { .lstm(inputs: try $0.int("inputs"), hidden: try $0.int("hidden"), layers: try $0.int("layers")) },
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
