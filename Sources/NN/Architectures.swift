import Autodiff
import TensorCore

/// Ready-made networks sized from the data: each builder takes the shape of one sample (no batch
/// axis) or the vocabulary, and returns a module whose forward takes `[N] + sample shape`.
///
/// They exist so a notebook can go from a dataset to a trainable model in one line, with
/// PyTorch's layer order and parameter paths, and so the sizes are checked once, here, with an
/// error naming them, rather than as a shape mismatch deep inside the first forward pass. Every
/// weight comes from the given seeded generator: the same seed gives the same model. Sequence
/// models are in `Architectures+Sequences.swift`.
public enum Architectures {
  /// A multi-layer perceptron: `Flatten`, then `Linear`s between consecutive sizes with
  /// `activation` (and `Dropout`, when `dropout` > 0) between them, none after the last.
  ///
  /// The leading `Flatten` makes images work as they come (`[N, 1, 28, 28]` for sizes starting
  /// at 784); it leaves `[N, features]` unchanged.
  /// - Parameters:
  ///   - sizes: input features, hidden widths, outputs: `[784, 256, 10]`.
  ///   - activation: the nonlinearity after each hidden `Linear`.
  ///   - dropout: the probability of each `Dropout` in 0..<1; 0 adds none.
  ///   - generator: the seeded source of the weights and of the dropout seeds.
  /// - Returns: `Sequential([Flatten, Linear, activation, …, Linear])`.
  /// - Throws: `ModuleError` for fewer than two sizes, a size that is not positive, or a dropout
  ///   probability outside 0..<1.
  public static func mlp(
    _ sizes: [Int], activation: Activation.Kind = .relu, dropout: Float = 0, generator: inout RandomGenerator
  ) throws -> Sequential {
    guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
      throw ModuleError(
        "'mlp' needs at least two positive sizes, input and output features such as [784, 256, 10], but got \(sizes)")
    }
    guard dropout >= 0, dropout < 1 else {
      throw ModuleError("'mlp' needs a dropout probability in 0..<1 but got \(dropout)")
    }
    var layers: [Module] = [Flatten()]
    for index in 0..<(sizes.count - 1) {
      layers.append(try Linear(sizes[index], sizes[index + 1], generator: &generator))
      guard index < sizes.count - 2 else { break }
      layers.append(Activation(activation))
      if dropout > 0 { layers.append(try Dropout(dropout, seed: generator.next())) }
    }
    return Sequential(layers)
  }

  /// A small convolutional classifier: per entry of `channels`, a 3×3 `Conv2d` with padding 1
  /// (no bias with batch norm, which would cancel it), `BatchNorm2d` if asked, ReLU and
  /// `MaxPool2d(2)`; then `Flatten`, `Linear(c·H′·W′, hidden)`, ReLU and `Linear(hidden,
  /// classes)`, or a single `Linear` to `classes` when `hidden` is nil.
  ///
  /// Each stage halves the height and width (rounding down), so `[1, 28, 28]` with two stages
  /// reaches 7×7 and the first `Linear` reads 64·7·7 = 3,136 features.
  /// - Parameters:
  ///   - inputShape: `[C, H, W]` of one image.
  ///   - channels: the output channels of each convolution stage; empty for none.
  ///   - hidden: the width of the hidden `Linear`, or nil for none.
  ///   - classes: the number of logits.
  ///   - batchNorm: whether each convolution is followed by batch normalisation.
  ///   - generator: the seeded source of the weights.
  /// - Returns: a `Sequential` from `[N, C, H, W]` to `[N, classes]`.
  /// - Throws: `ModuleError` for a shape that is not three positive sizes, sizes that are not
  ///   positive, or an image too small to be halved once per stage.
  public static func convNet(
    inputShape: [Int], channels: [Int] = [32, 64], hidden: Int? = 128, classes: Int, batchNorm: Bool = false,
    generator: inout RandomGenerator
  ) throws -> Sequential {
    try expectImageShape(inputShape, "convNet")
    guard channels.allSatisfy({ $0 > 0 }), (hidden ?? 1) > 0, classes > 0 else {
      throw ModuleError(
        "'convNet' needs positive channels, hidden width and classes but got channels \(channels), "
          + "hidden \(hidden.map(String.init) ?? "nil"), classes \(classes)")
    }
    var sides = [(inputShape[1], inputShape[2])]
    for _ in channels { sides.append((sides[sides.count - 1].0 / 2, sides[sides.count - 1].1 / 2)) }
    guard let (height, width) = sides.last, height >= 1, width >= 1 else {
      let steps = sides.map { "\($0.0)×\($0.1)" }.joined(separator: " → ")
      let possible = sides.lastIndex { $0.0 >= 1 && $0.1 >= 1 } ?? 0
      throw ModuleError(
        "'convNet' input \(Tensor.describe(inputShape)) is too small for \(channels.count) pooling stages "
          + "(channels \(channels)): height × width goes \(steps); use at most \(possible) stages or a larger input")
    }
    var layers: [Module] = []
    var inputChannels = inputShape[0]
    for outputChannels in channels {
      layers.append(
        try Conv2d(
          inputChannels, outputChannels, kernelSize: 3, padding: 1, bias: !batchNorm, generator: &generator))
      if batchNorm { layers.append(try BatchNorm(outputChannels, spatial: true)) }
      layers += [Activation(.relu), try MaxPool2d(kernelSize: 2)]
      inputChannels = outputChannels
    }
    var features = inputChannels * height * width
    layers.append(Flatten())
    if let hidden {
      layers += [try Linear(features, hidden, generator: &generator), Activation(.relu)]
      features = hidden
    }
    layers.append(try Linear(features, classes, generator: &generator))
    return Sequential(layers)
  }

  /// The CIFAR ResNet of `ResNet.cifar` (He et al. 2016, §4.2) for images of any channel count
  /// and size: global average pooling before the head makes the height and width free.
  /// - Parameters:
  ///   - inputShape: `[C, H, W]` of one image.
  ///   - depth: 6n + 2 layers with weights (20 for ResNet-20).
  ///   - widths: the channels of the three stages.
  ///   - classes: the number of logits.
  ///   - generator: the seeded source of the weights.
  /// - Returns: the network, from `[N, C, H, W]` to `[N, classes]`; its head is `linear`.
  /// - Throws: `ModuleError` for a shape that is not three positive sizes, or what
  ///   `ResNet.cifar` refuses.
  public static func resNet(
    inputShape: [Int], depth: Int = 20, widths: [Int] = [16, 32, 64], classes: Int, generator: inout RandomGenerator
  ) throws -> Module {
    try expectImageShape(inputShape, "resNet")
    return try ResNet.cifar(
      depth: depth, classes: classes, widths: widths, inputChannels: inputShape[0], generator: &generator)
  }

  private static func expectImageShape(_ shape: [Int], _ builder: String) throws {
    guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
      throw ModuleError(
        "'\(builder)' needs the shape of one image, [C, H, W] with positive sizes, but got \(Tensor.describe(shape))")
    }
  }
}
