import Autodiff
import Foundation
import JSONValue
import NN
import TensorCore
import Testing

/// The goldens `scripts/record-goldens.py` recorded with PyTorch: fixed inputs and weights,
/// PyTorch's outputs and gradients. Nothing here runs PyTorch.
enum Goldens {
  static let file: JSON = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "Goldens/pytorch-goldens.json")
    guard let data = try? Data(contentsOf: url), let json = try? JSON.parse(Array(data)) else {
      fatalError("cannot read \(url.path); regenerate it with scripts/record-goldens.py")
    }
    return json
  }()

  static func entries(_ section: String) -> [JSON] { file[section]?.arrayValue ?? [] }

  static func names(_ section: String) -> [String] { entries(section).compactMap { $0["name"]?.stringValue } }

  static func entry(_ section: String, _ name: String) throws -> JSON {
    try #require(entries(section).first { $0["name"]?.stringValue == name })
  }
}

extension JSON {
  var number: Double? {
    switch self {
    case .double(let value): value
    case .int(let value): Double(value)
    default: nil
    }
  }

  var tensor: Tensor {
    get throws {
      let shape = self["shape"]?.arrayValue?.compactMap { $0.intValue }
      let values = self["values"]?.arrayValue?.compactMap { $0.number }
      guard let shape, let values else { throw ModuleError("golden tensor lacks shape or values") }
      return try Tensor(shape: shape, values: values.map(Float.init))
    }
  }

  var integers: [Int] { self["values"]?.arrayValue?.compactMap(\.intValue) ?? [] }

  func int(_ key: String) -> Int? { self[key]?.intValue }
}

/// Agreement to PyTorch within a relative 2e-5 of the tensor's largest magnitude: Float32 sums
/// in a different order differ in the last bits, not more.
func expectClose(
  _ actual: Tensor?, _ expected: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let actual else {
    Issue.record("\(what): missing", sourceLocation: sourceLocation)
    return
  }
  #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
  let scale = max(1, expected.scalars.map(abs).max() ?? 0)
  let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
  #expect(worst <= 2e-5 * scale, "\(what): differs from PyTorch by \(worst)", sourceLocation: sourceLocation)
}

@Suite("Layers match PyTorch")
struct PyTorchLayerGoldenTests {
  @Test(
    "forward output, input gradients, parameter gradients and running statistics", arguments: Goldens.names("modules"))
  func layer(name: String) throws {
    let golden = try Goldens.entry("modules", name)
    let config = try #require(golden["config"])
    var generator = RandomGenerator(seed: 0)
    let module = try makeModule(try #require(golden["module"]?.stringValue), config, &generator)
    var state: [(path: String, tensor: Tensor)] = []
    for (path, value) in golden["parameters"]?.objectValue ?? [:] { state.append((path, try value.tensor)) }
    for (path, value) in golden["buffers_before"]?.objectValue ?? [:] { state.append((path, try value.tensor)) }
    try module.loadStateDictionary(state, strict: false)
    module.setTraining(golden["training"]?.boolValue ?? true)

    let inputs: [Variable]
    if let integers = golden["integer_inputs"]?.arrayValue, let first = integers.first {
      let shape = try #require(first["shape"]?.arrayValue?.compactMap { $0.intValue })
      inputs = [Variable(try Tensor(shape: shape, values: first.integers.map(Float.init)))]
    } else {
      inputs = try (golden["inputs"]?.arrayValue ?? []).map { Variable(try $0.tensor, requiresGrad: true) }
    }
    let output = try module(try #require(inputs.first))
    expectClose(output.value, try #require(golden["output"]).tensor, "\(name) output")

    try (output * Variable.constant(try #require(golden["upstream"]).tensor)).sum().backward()
    for (index, expected) in (golden["input_gradients"]?.arrayValue ?? []).enumerated() {
      expectClose(inputs[index].grad, try expected.tensor, "\(name) input gradient \(index)")
    }
    let parameters = Dictionary(uniqueKeysWithValues: module.namedParameters().map { ($0.path, $0.variable) })
    for (path, expected) in golden["parameter_gradients"]?.objectValue ?? [:] {
      expectClose(parameters[path]?.grad, try expected.tensor, "\(name) gradient of \(path)")
    }
    let buffers = Dictionary(uniqueKeysWithValues: module.namedBuffers().map { ($0.path, $0.variable) })
    for (path, expected) in golden["buffers_after"]?.objectValue ?? [:] {
      expectClose(buffers[path]?.value, try expected.tensor, "\(name) buffer \(path)")
    }
  }

  @Test("losses: value and gradient", arguments: Goldens.names("losses"))
  func loss(name: String) throws {
    let golden = try Goldens.entry("losses", name)
    let input = Variable(try #require(golden["input"]).tensor, requiresGrad: true)
    let target = try #require(golden["target"])
    let loss: Variable =
      switch golden["loss"]?.stringValue {
      case "CrossEntropyLoss": try input.crossEntropy(targets: target.integers)
      case "NLLLoss": try input.negativeLogLikelihood(targets: target.integers)
      case "BCEWithLogitsLoss": try input.binaryCrossEntropyWithLogits(targets: try target.tensor)
      case "MSELoss": try input.meanSquaredError(targets: try target.tensor)
      default: throw ModuleError("unknown loss in goldens: \(name)")
      }
    let expected = Float(try #require(golden["output"]?.number))
    #expect(abs((loss.value.scalar ?? .nan) - expected) <= 2e-5 * max(1, abs(expected)))
    try loss.backward()
    expectClose(input.grad, try #require(golden["input_gradient"]).tensor, "\(name) gradient")
  }

  /// Builds the Tempo module a golden entry describes, from its PyTorch configuration.
  func makeModule(_ kind: String, _ config: JSON, _ generator: inout RandomGenerator) throws -> Module {
    func int(_ key: String) throws -> Int { try #require(config.int(key), "config lacks \(key)") }
    func pair(_ key: String) throws -> (Int, Int) {
      if let value = config.int(key) { return (value, value) }
      let values = try #require(config[key]?.arrayValue?.compactMap { $0.intValue })
      guard let first = values.first else { throw ModuleError("config \(key) is empty") }
      return (first, values.count > 1 ? values[1] : first)
    }
    switch kind {
    case "Linear":
      return try Linear(
        try int("in_features"), try int("out_features"), bias: config["bias"]?.boolValue ?? true,
        generator: &generator)
    case "Conv2d":
      return try Conv2d(
        try int("in_channels"), try int("out_channels"), kernelSize: try int("kernel_size"),
        stride: try int("stride"), padding: try int("padding"), bias: config["bias"]?.boolValue ?? true,
        generator: &generator)
    case "MaxPool2d":
      return try MaxPool2d(kernelSize: try int("kernel_size"), stride: try int("stride"), padding: try int("padding"))
    case "AvgPool2d":
      return try AvgPool2d(kernelSize: try int("kernel_size"), stride: try int("stride"), padding: try int("padding"))
    case "AdaptiveAvgPool2d":
      let (height, width) = try pair("output_size")
      return try AdaptiveAvgPool2d(outputHeight: height, outputWidth: width)
    case "BatchNorm1d", "BatchNorm2d":
      return try BatchNorm(try int("num_features"), spatial: kind == "BatchNorm2d")
    case "LayerNorm":
      return try LayerNorm(try pair("normalized_shape").0)
    case "Embedding":
      return try Embedding(try int("num_embeddings"), try int("embedding_dim"), generator: &generator)
    case "Flatten": return Flatten()
    case "ReLU": return Activation(.relu)
    case "Tanh": return Activation(.tanh)
    case "Sigmoid": return Activation(.sigmoid)
    case "GELU": return Activation(.gelu)
    case "Softmax": return Softmax(axis: try int("dim"))
    case "LogSoftmax": return Softmax(axis: try int("dim"), logarithmic: true)
    case "LSTM":
      return try LSTM(
        inputSize: try int("input_size"), hiddenSize: try int("hidden_size"), layers: try int("num_layers"),
        generator: &generator)
    case "MultiheadAttention":
      return try MultiheadAttention(
        embedDimension: try int("embed_dim"), heads: try int("num_heads"),
        causal: config["attn_mask"]?.stringValue == "causal", generator: &generator)
    case "TransformerEncoderLayer":
      return try TransformerEncoderLayer(
        modelDimension: try int("d_model"), heads: try int("nhead"), feedforwardDimension: try int("dim_feedforward"),
        causal: config["src_mask"]?.stringValue == "causal", generator: &generator)
    case "BasicBlock":
      return try BasicBlock(
        try int("in_channels"), try int("out_channels"), stride: try int("stride"), generator: &generator)
    default:
      throw ModuleError("no Tempo module for PyTorch's \(kind)")
    }
  }
}

@Suite("Initialisers match PyTorch's distributions")
struct PyTorchInitializerTests {
  /// The moments of Tempo's draw against PyTorch's: the same distribution gives means within a
  /// few standard errors, standard deviations within a few of theirs, and the same support.
  @Test("moments of the default initialisers", arguments: Array(Goldens.entries("initializers").indices))
  func moments(index: Int) throws {
    let golden = Goldens.entries("initializers")[index]
    let config = try #require(golden["config"])
    let parameterName = try #require(golden["parameter"]?.stringValue)
    var generator = RandomGenerator(seed: UInt64(index + 1))
    let module: Module
    switch golden["module"]?.stringValue {
    case "Linear":
      module = try Linear(
        try #require(config.int("in_features")), try #require(config.int("out_features")), generator: &generator)
    case "Conv2d":
      module = try Conv2d(
        try #require(config.int("in_channels")), try #require(config.int("out_channels")),
        kernelSize: try #require(config.int("kernel_size")), generator: &generator)
    case "Embedding":
      module = try Embedding(
        try #require(config.int("num_embeddings")), try #require(config.int("embedding_dim")), generator: &generator)
    case "LSTM":
      module = try LSTM(
        inputSize: try #require(config.int("input_size")), hiddenSize: try #require(config.int("hidden_size")),
        generator: &generator)
    case "MultiheadAttention":
      module = try MultiheadAttention(
        embedDimension: try #require(config.int("embed_dim")), heads: try #require(config.int("num_heads")),
        generator: &generator)
    case "LayerNorm":
      module = try LayerNorm(try #require(config["normalized_shape"]?.arrayValue?.first?.intValue))
    case "BatchNorm2d":
      module = try BatchNorm(try #require(config.int("num_features")), spatial: true)
    default:
      Issue.record("no Tempo module for \(golden["module"]?.stringValue ?? "?")")
      return
    }
    let parameter = try #require(module.namedParameters().first { $0.path == parameterName }).variable.value
    let values = parameter.scalars.map(Double.init)
    #expect(values.count == golden.int("count"))
    let mean = values.reduce(0, +) / Double(values.count)
    let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    let expectedMean = try #require(golden["mean"]?.number)
    let expectedDeviation = try #require(golden["std"]?.number)
    let expectedMinimum = try #require(golden["min"]?.number)
    let expectedMaximum = try #require(golden["max"]?.number)
    let standardError = max(expectedDeviation, 1e-12) / Double(values.count).squareRoot()
    #expect(abs(mean - expectedMean) <= 6 * standardError + 1e-12, "\(parameterName) mean \(mean)")
    // A sample standard deviation's relative standard error is at most about 0.71/√n (normal
    // data; uniform data less), so allow six of them.
    let deviationTolerance = 6 * 0.71 / Double(values.count).squareRoot() * expectedDeviation
    #expect(abs(deviation - expectedDeviation) <= deviationTolerance + 1e-12, "\(parameterName) std \(deviation)")
    let range = max(expectedMaximum - expectedMinimum, 1e-12)
    if expectedDeviation == 0 {
      #expect(values.allSatisfy { $0 == expectedMean })
    } else {
      #expect(abs((values.min() ?? 0) - expectedMinimum) <= 0.05 * range, "\(parameterName) min")
      #expect(abs((values.max() ?? 0) - expectedMaximum) <= 0.05 * range, "\(parameterName) max")
    }
  }
}
