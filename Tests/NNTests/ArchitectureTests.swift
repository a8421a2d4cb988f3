import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

/// Token ids 0..<vocabulary in a seeded order, stored as Floats as `Embedding` reads them.
func tokens(_ shape: [Int], vocabulary: Int, seed: UInt64) throws -> Tensor {
  var generator = RandomGenerator(seed: seed)
  let count = shape.reduce(1, *)
  return try Tensor(shape: shape, values: (0..<count).map { _ in Float(generator.next() % UInt64(vocabulary)) })
}

@Suite("Architectures")
struct ArchitectureTests {
  @Test("mlp flattens images, puts the activation between Linears only, and has Σ (in·out + out) parameters")
  func mlp() throws {
    var generator = RandomGenerator(seed: 1)
    let model = try Architectures.mlp([784, 256, 10], generator: &generator)
    #expect(
      model.layers.map(\.configurationDescription) == ["Flatten", "Linear(784 → 256)", "ReLU", "Linear(256 → 10)"])
    // 784·256 + 256 + 256·10 + 10
    #expect(model.parameterCount == 203_530)
    #expect(try model(Variable(try random([3, 1, 28, 28], seed: 2))).shape == [3, 10])
    #expect(try model(Variable(try random([3, 784], seed: 2))).shape == [3, 10])

    let deep = try Architectures.mlp([6, 5, 4, 3], activation: .tanh, dropout: 0.2, generator: &generator)
    #expect(
      deep.layers.map(\.configurationDescription) == [
        "Flatten", "Linear(6 → 5)", "Tanh", "Dropout(p: 0.2)", "Linear(5 → 4)", "Tanh", "Dropout(p: 0.2)",
        "Linear(4 → 3)",
      ])
    #expect(deep.parameterCount == 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3)
  }

  /// conv 1·32·9 + 32 = 320; conv 32·64·9 + 64 = 18,496; 28 → 14 → 7, so Linear(64·7·7 = 3,136,
  /// 128) = 401,536; Linear(128, 10) = 1,290. Total 421,642.
  @Test("convNet on [1, 28, 28] with channels [32, 64], hidden 128, 10 classes has 421,642 parameters")
  func convNet() throws {
    var generator = RandomGenerator(seed: 3)
    let model = try Architectures.convNet(inputShape: [1, 28, 28], classes: 10, generator: &generator)
    #expect(model.parameterCount == 421_642)
    #expect(
      model.layers.map(\.configurationDescription) == [
        "Conv2d(1 → 32, 3×3, padding 1)", "ReLU", "MaxPool2d(2×2)", "Conv2d(32 → 64, 3×3, padding 1)", "ReLU",
        "MaxPool2d(2×2)", "Flatten", "Linear(3136 → 128)", "ReLU", "Linear(128 → 10)",
      ])
    #expect(try model(Variable(try random([2, 1, 28, 28], seed: 4))).shape == [2, 10])
  }

  @Test("convNet with batch norm drops the convolution biases; without hidden it goes straight to the classes")
  func convNetOptions() throws {
    var generator = RandomGenerator(seed: 5)
    let normalised = try Architectures.convNet(
      inputShape: [1, 28, 28], classes: 10, batchNorm: true, generator: &generator)
    // Each convolution loses its bias (32, 64) and gains a scale and shift (2·32, 2·64).
    #expect(normalised.parameterCount == 421_642 - 32 - 64 + 2 * 32 + 2 * 64)
    #expect(normalised.layers[1].configurationDescription == "BatchNorm2d(32)")
    let direct = try Architectures.convNet(
      inputShape: [3, 9, 6], channels: [4, 5], hidden: nil, classes: 2, generator: &generator)
    // 9×6 → 4×3 → 2×1: 3·4·9 + 4 + 4·5·9 + 5 + 5·2·1·2 + 2.
    #expect(direct.parameterCount == 112 + 185 + 22)
    #expect(try direct(Variable(try random([3, 3, 9, 6], seed: 6))).shape == [3, 2])
  }

  @Test("resNet takes any channel count and image size; the CIFAR defaults are unchanged")
  func resNet() throws {
    var generator = RandomGenerator(seed: 7)
    let grey = try Architectures.resNet(
      inputShape: [1, 11, 9], depth: 8, widths: [4, 6, 8], classes: 5, generator: &generator)
    #expect(grey.namedParameters().first?.variable.shape == [4, 1, 3, 3])
    #expect(try grey(Variable(try random([2, 1, 11, 9], seed: 8))).shape == [2, 5])
    #expect(throws: ModuleError("'ResNet' expects input of shape [N, 1, H, W] but got [2, 3, 11, 9]")) {
      try grey(Variable(try Tensor.zeros([2, 3, 11, 9])))
    }
    let cifar = try Architectures.resNet(inputShape: [3, 32, 32], classes: 10, generator: &generator)
    #expect(cifar.parameterCount == 272_474)
  }

  @Test("charLM maps [N, L] token ids to [N, L, vocabulary] logits")
  func charLM() throws {
    var generator = RandomGenerator(seed: 9)
    let model = try Architectures.charLM(vocabulary: 7, embedding: 5, hidden: 6, layers: 2, generator: &generator)
    #expect(try model(Variable(try tokens([2, 4], vocabulary: 7, seed: 10))).shape == [2, 4, 7])
    // Embedding 7·5; LSTM layer 0: 4·6·5 + 4·6·6 + 2·4·6, layer 1: 2·4·6·6 + 2·4·6; Linear 6·7 + 7.
    #expect(model.parameterCount == 35 + 312 + 336 + 49)
  }

  @Test(
    "transformer: a language model gives [N, L, vocabulary], a classifier [N, classes]; gradients reach every parameter"
  )
  func transformer() throws {
    var generator = RandomGenerator(seed: 11)
    let lm = try Architectures.transformer(
      vocabulary: 11, length: 6, width: 8, layers: 2, feedforward: 16, generator: &generator)
    #expect(
      lm.layers.map(\.typeName) == [
        "Embedding", "PositionalEmbedding", "TransformerEncoderLayer", "TransformerEncoderLayer", "Linear",
      ])
    let input = Variable(try tokens([2, 5], vocabulary: 11, seed: 12))
    let logits = try lm(input)
    #expect(logits.shape == [2, 5, 11])
    try logits.reshaped([10, 11]).crossEntropy(targets: Array(repeating: 1, count: 10)).backward()
    for (path, parameter) in lm.namedParameters() {
      #expect(parameter.grad?.shape == parameter.shape, "'\(path)' got a gradient")
    }
    let classifier = try Architectures.transformer(
      vocabulary: 11, length: 6, width: 8, heads: 4, layers: 1, feedforward: 16, causal: false, classes: 3,
      generator: &generator)
    #expect(classifier.layers.map(\.typeName).suffix(2) == ["SequenceMean", "Linear"])
    #expect(try classifier(Variable(try tokens([4, 6], vocabulary: 11, seed: 13))).shape == [4, 3])
    #expect(
      throws: ModuleError(
        "'PositionalEmbedding' holds 6 positions but got a sequence of 7; build it with a length of at least 7")
    ) { try classifier(Variable(try tokens([1, 7], vocabulary: 11, seed: 14))) }
  }

  @Test("the same seed builds the same parameters, another seed different ones")
  func seeds() throws {
    let builders: [(inout RandomGenerator) throws -> Module] = [
      { try Architectures.mlp([4, 3, 2], dropout: 0.5, generator: &$0) },
      { try Architectures.convNet(inputShape: [2, 4, 4], channels: [3], hidden: 5, classes: 2, generator: &$0) },
      { try Architectures.resNet(inputShape: [2, 4, 4], depth: 8, widths: [2, 2, 2], classes: 2, generator: &$0) },
      { try Architectures.charLM(vocabulary: 4, embedding: 3, hidden: 2, generator: &$0) },
      { try Architectures.transformer(vocabulary: 4, length: 3, width: 4, layers: 1, feedforward: 4, generator: &$0) },
    ]
    for build in builders {
      var (first, second, other) = (RandomGenerator(seed: 1), RandomGenerator(seed: 1), RandomGenerator(seed: 2))
      let (a, b, c) = (try build(&first), try build(&second), try build(&other))
      #expect(a.stateDictionary().map(\.tensor) == b.stateDictionary().map(\.tensor), "\(a.typeName)")
      #expect(a.parameters.map(\.value) != c.parameters.map(\.value), "\(a.typeName)")
    }
    // Dropout seeds come from the generator too: the same seed drops the same elements.
    var (first, second) = (RandomGenerator(seed: 3), RandomGenerator(seed: 3))
    let (a, b) = (
      try Architectures.mlp([8, 8, 2], dropout: 0.5, generator: &first),
      try Architectures.mlp([8, 8, 2], dropout: 0.5, generator: &second)
    )
    let input = Variable(try random([4, 8], seed: 4))
    #expect(try a(input).value == b(input).value)
  }

  @Test("sizes that cannot make a network are refused with a message naming them")
  func errors() throws {
    var generator = RandomGenerator(seed: 15)
    #expect(
      throws: ModuleError(
        "'mlp' needs at least two positive sizes, input and output features such as [784, 256, 10], but got [784]")
    ) { try Architectures.mlp([784], generator: &generator) }
    #expect(
      throws: ModuleError(
        "'mlp' needs at least two positive sizes, input and output features such as [784, 256, 10], but got [784, 0, 10]"
      )
    ) { try Architectures.mlp([784, 0, 10], generator: &generator) }
    #expect(throws: ModuleError("'mlp' needs a dropout probability in 0..<1 but got 1.0")) {
      try Architectures.mlp([4, 4, 2], dropout: 1, generator: &generator)
    }
    #expect(
      throws: ModuleError(
        "'convNet' input [1, 5, 5] is too small for 3 pooling stages (channels [8, 16, 32]): height × width goes "
          + "5×5 → 2×2 → 1×1 → 0×0; use at most 2 stages or a larger input")
    ) { try Architectures.convNet(inputShape: [1, 5, 5], channels: [8, 16, 32], classes: 2, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'convNet' needs the shape of one image, [C, H, W] with positive sizes, but got [28, 28]")
    ) { try Architectures.convNet(inputShape: [28, 28], classes: 2, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'convNet' needs positive channels, hidden width and classes but got channels [8], hidden 0, classes 2")
    ) { try Architectures.convNet(inputShape: [1, 8, 8], channels: [8], hidden: 0, classes: 2, generator: &generator) }
    #expect(
      throws: ModuleError("'resNet' needs the shape of one image, [C, H, W] with positive sizes, but got [0, 8, 8]")
    ) { try Architectures.resNet(inputShape: [0, 8, 8], classes: 2, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'charLM' needs positive sizes and layers but got vocabulary 0, embedding 64, hidden 128, layers 1")
    ) { try Architectures.charLM(vocabulary: 0, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'MultiheadAttention' needs heads dividing embedDimension but got embedDimension: 8, heads: 3")
    ) { try Architectures.transformer(vocabulary: 5, length: 4, width: 8, heads: 3, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'transformer' needs positive sizes and layers but got vocabulary 5, length 0, width 64, layers 2, classes nil")
    ) { try Architectures.transformer(vocabulary: 5, length: 0, generator: &generator) }
  }
}

@Suite("Sequence layers")
struct SequenceLayerTests {
  @Test("positional embedding gradients match finite differences, for full and shorter sequences", arguments: [4, 2])
  func positionalEmbeddingGradients(_ steps: Int) throws {
    var generator = RandomGenerator(seed: 1)
    let layer = try PositionalEmbedding(4, 3, generator: &generator)
    try checkModuleGradients(layer, input: try random([2, steps, 3], seed: 2))
    if steps < 4 {
      // Rows beyond the sequence took no part, so they get a zero gradient.
      #expect(layer.weight.grad?.scalars.suffix(3 * (4 - steps)).allSatisfy { $0 == 0 } == true)
    }
  }

  @Test("positional embedding adds row t to position t of every sequence")
  func positionalEmbeddingValues() throws {
    var generator = RandomGenerator(seed: 3)
    let layer = try PositionalEmbedding(3, 2, generator: &generator)
    let output = try layer(Variable(try Tensor.zeros([2, 2, 2]))).value.scalars
    let rows = Array(layer.weight.value.scalars.prefix(4))
    #expect(output == rows + rows)
    #expect(layer.configurationDescription == "PositionalEmbedding(3 × 2)")
    #expect(parameterList(layer) == ["weight [3, 2]"])
    #expect(throws: ModuleError("'PositionalEmbedding' expects input of shape [N, L, 2] but got [2, 3]")) {
      try layer(Variable(try Tensor.zeros([2, 3])))
    }
  }

  @Test("sequence mean gradients match finite differences; the value is the mean over positions")
  func sequenceMean() throws {
    try checkModuleGradients(SequenceMean(), input: try random([2, 3, 4], seed: 4))
    let input = try Tensor(shape: [1, 2, 2], values: [1, 2, 3, 6])
    #expect(try SequenceMean()(Variable(input)).value == (try Tensor(shape: [1, 2], values: [2, 4])))
    #expect(throws: ModuleError("'SequenceMean' expects input of shape [N, L, W] but got [2, 3]")) {
      try SequenceMean()(Variable(try Tensor.zeros([2, 3])))
    }
  }
}
