import Datasets
import JSONValue
import NN
import TensorCore

/// How a model is built, as data: enough to build it afresh for some data (sizes the recipe
/// leaves open come from the data: image channels and size, vocabulary, sequence length) and to
/// rebuild it from a checkpoint's metadata.
indirect enum ModelRecipe: Equatable {
  case mlp(sizes: [Int], activation: Activation.Kind, dropout: Float)
  case convNet(channels: [Int], hidden: Int?, classes: Int, batchNorm: Bool)
  case resNet(depth: Int, widths: [Int], classes: Int)
  case charLM(embedding: Int, hidden: Int, layers: Int)
  case transformer(width: Int, heads: Int, layers: Int, feedforward: Int, causal: Bool, classes: Int?)
  case sequential([LayerRecipe])
  /// A trained model whose head was replaced by a fresh one with `outputs` outputs; `pooled`:
  /// with the mean over positions before it (a language model turned sequence classifier).
  case replacedHead(base: ModelRecipe, outputs: Int, pooled: Bool)
  /// A model trained by Alrao: its head replaced by `copies` classifier copies, or Gaussian
  /// regressors predicting by the rule `regression` (nil: classifier copies), whose rates and
  /// posterior are in the weights. The rule is not a weight, so the recipe keeps it.
  case alrao(base: ModelRecipe, copies: Int, regression: AlraoHead.RegressionPrediction?)

  /// The model's name in summaries: `MLP [784, 256, 10]`, `ConvNet [32, 64]`.
  var title: String {
    switch self {
    case .mlp(let sizes, _, _): return "MLP \(sizes)"
    case .convNet(let channels, _, let classes, _): return "ConvNet \(channels) → \(classes)"
    case .resNet(let depth, _, let classes): return "ResNet-\(depth) → \(classes)"
    case .charLM(_, let hidden, let layers): return "CharLM (LSTM \(layers)×\(hidden))"
    case .transformer(let width, _, let layers, _, _, let classes):
      return "Transformer (\(layers)×\(width))" + (classes.map { " → \($0)" } ?? "")
    case .sequential(let layers): return "Sequential (\(layers.count) layers)"
    case .replacedHead(let base, let outputs, let pooled):
      return "\(base.title), new head → \(outputs)\(pooled ? " (mean over positions)" : "")"
    case .alrao(let base, let copies, let regression):
      let rule = regression.map { " (regression, prediction: .\($0.rawValue))" } ?? ""
      return "\(base.title), Alrao head × \(copies)\(rule)"
    }
  }

  /// Whether building needs the data's sample shape or vocabulary (an MLP and a Sequential state
  /// every size).
  var needsData: Bool {
    switch self {
    case .mlp, .sequential: return false
    case .convNet, .resNet, .charLM, .transformer: return true
    case .replacedHead(let base, _, _), .alrao(let base, _, _): return base.needsData
    }
  }

  /// Builds the model with fresh weights from `generator`, for samples of `sampleShape` (nil when
  /// the recipe states every size) and `task` (the vocabulary of a language model); a
  /// `vocabulary` size, from text classification data, lets a Transformer classifier be built.
  func build(
    sampleShape: [Int]?, task: DataTask?, vocabulary vocabularySize: Int? = nil, generator: inout RandomGenerator
  ) throws -> Module {
    switch self {
    case .mlp(let sizes, let activation, let dropout):
      return try Architectures.mlp(sizes, activation: activation, dropout: dropout, generator: &generator)
    case .convNet(let channels, let hidden, let classes, let batchNorm):
      return try Architectures.convNet(
        inputShape: try imageShape(sampleShape), channels: channels, hidden: hidden, classes: classes,
        batchNorm: batchNorm, generator: &generator)
    case .resNet(let depth, let widths, let classes):
      return try Architectures.resNet(
        inputShape: try imageShape(sampleShape), depth: depth, widths: widths, classes: classes,
        generator: &generator)
    case .charLM(let embedding, let hidden, let layers):
      return try Architectures.charLM(
        vocabulary: try vocabulary(task), embedding: embedding, hidden: hidden, layers: layers,
        generator: &generator)
    case .transformer(let width, let heads, let layers, let feedforward, let causal, let classes):
      guard let length = sampleShape?.first, sampleShape?.count == 1 else {
        throw ModelBuildError(
          "a Transformer needs token sequences of shape [length], not samples of shape \(describe(sampleShape))",
          help: "train it on text, e.g. Text(path: …, length: 64)")
      }
      let vocabulary: Int
      switch task {
      case .sequence(let count)?: vocabulary = count
      case .classification? where vocabularySize != nil: vocabulary = vocabularySize ?? 0
      default:
        throw ModelBuildError(
          "a Transformer needs token data with a vocabulary", help: "train it on text, e.g. Text(path: …, length: 64)")
      }
      return try Architectures.transformer(
        vocabulary: vocabulary, length: length, width: width, heads: heads, layers: layers,
        feedforward: feedforward, causal: causal, classes: classes, generator: &generator)
    case .sequential(let layers):
      return Sequential(try layers.map { try $0.build(generator: &generator) })
    case .replacedHead(let base, let outputs, let pooled):
      let model = try base.build(
        sampleShape: sampleShape, task: task, vocabulary: vocabularySize, generator: &generator)
      return try model.replacingHead(outputs: outputs, poolingPositions: pooled, generator: &generator)
    case .alrao(let base, let copies, let regression):
      // The rates and the posterior are buffers: a checkpoint's load overwrites these.
      let model = try base.build(sampleShape: sampleShape, task: task, generator: &generator)
      return try model.replacingHeadWithAlrao(
        copies: copies, rates: [Float](repeating: 1, count: copies),
        likelihood: regression == nil ? .categorical : .gaussian, theta: 0.9999, prediction: regression ?? .bestCopy,
        generator: &generator)
    }
  }

  private func imageShape(_ shape: [Int]?) throws -> [Int] {
    guard let shape, shape.count == 3 else {
      throw ModelBuildError(
        "\(title) needs images of shape [channels, height, width], not samples of shape \(describe(shape))",
        help: "use image data (FashionMNIST(), Digits(), CIFAR10(…)), or an MLP for flat features")
    }
    return shape
  }

  private func vocabulary(_ task: DataTask?) throws -> Int {
    guard case .sequence(let vocabulary)? = task else {
      throw ModelBuildError(
        "\(title) needs text: token sequences with a vocabulary", help: "train it on Text(path: …, length: 64)")
    }
    return vocabulary
  }

  private func describe(_ shape: [Int]?) -> String { shape.map { "\($0)" } ?? "unknown" }
}

/// A model that cannot be built for the data it was given.
struct ModelBuildError: Error {
  var message: String
  var help: String?
  init(_ message: String, help: String? = nil) {
    self.message = message
    self.help = help
  }
}

/// One layer of a `Sequential`, as data.
enum LayerRecipe: Equatable {
  case linear(inputs: Int, outputs: Int, bias: Bool)
  case conv2d(inputs: Int, outputs: Int, kernel: Int, stride: Int, padding: Int, bias: Bool)
  case activation(Activation.Kind)
  case maxPool(kernel: Int, stride: Int?)
  case avgPool(kernel: Int, stride: Int?)
  case globalAvgPool
  case flatten
  case dropout(Float)
  case batchNorm(channels: Int, spatial: Bool)
  case layerNorm(features: Int)
  case embedding(count: Int, dimension: Int)
  case lstm(inputs: Int, hidden: Int, layers: Int)

  func build(generator: inout RandomGenerator) throws -> Module {
    switch self {
    case .linear(let inputs, let outputs, let bias):
      return try Linear(inputs, outputs, bias: bias, generator: &generator)
    case .conv2d(let inputs, let outputs, let kernel, let stride, let padding, let bias):
      return try Conv2d(
        inputs, outputs, kernelSize: kernel, stride: stride, padding: padding, bias: bias, generator: &generator)
    case .activation(let kind): return Activation(kind)
    case .maxPool(let kernel, let stride): return try MaxPool2d(kernelSize: kernel, stride: stride)
    case .avgPool(let kernel, let stride): return try AvgPool2d(kernelSize: kernel, stride: stride)
    case .globalAvgPool: return try AdaptiveAvgPool2d(1)
    case .flatten: return Flatten()
    case .dropout(let probability): return try Dropout(probability, seed: generator.next())
    case .batchNorm(let channels, let spatial): return try BatchNorm(channels, spatial: spatial)
    case .layerNorm(let features): return try LayerNorm(features)
    case .embedding(let count, let dimension): return try Embedding(count, dimension, generator: &generator)
    case .lstm(let inputs, let hidden, let layers):
      return try LSTM(inputSize: inputs, hiddenSize: hidden, layers: layers, generator: &generator)
    }
  }
}

extension LayerRecipe: CustomStringConvertible {
  var description: String {
    switch self {
    case .linear(let inputs, let outputs, let bias): return "Linear(\(inputs) → \(outputs)\(bias ? "" : ", no bias"))"
    case .conv2d(let inputs, let outputs, let kernel, let stride, let padding, _):
      return "Conv2d(\(inputs) → \(outputs), \(kernel)×\(kernel), stride \(stride), padding \(padding))"
    case .activation(let kind): return kind.rawValue
    case .maxPool(let kernel, let stride): return "MaxPool(\(kernel)\(stride.map { ", stride \($0)" } ?? ""))"
    case .avgPool(let kernel, let stride): return "AvgPool(\(kernel)\(stride.map { ", stride \($0)" } ?? ""))"
    case .globalAvgPool: return "GlobalAvgPool"
    case .flatten: return "Flatten"
    case .dropout(let probability): return "Dropout(\(probability))"
    case .batchNorm(let channels, _): return "BatchNorm(\(channels))"
    case .layerNorm(let features): return "LayerNorm(\(features))"
    case .embedding(let count, let dimension): return "Embedding(\(count) × \(dimension))"
    case .lstm(let inputs, let hidden, let layers): return "LSTM(\(inputs) → \(hidden), \(layers) layers)"
    }
  }
}

extension ModelRecipe {
  /// The recipe of `module` as a run trained it: an Alrao run replaced the head, which a
  /// checkpoint must rebuild before loading the weights.
  func trained(_ module: Module) -> ModelRecipe {
    guard let head = module.alraoHead else { return self }
    if case .alrao = self { return self }
    return .alrao(base: self, copies: head.copies, regression: head.likelihood == .gaussian ? head.prediction : nil)
  }
}
