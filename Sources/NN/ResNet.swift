import Autodiff
import TensorCore

/// The residual block of ResNet-18/34 and of the CIFAR ResNets (He et al., "Deep Residual
/// Learning for Image Recognition", 2016, §3.2–3.3 and §4.2):
///
///     relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
///
/// `conv1` is 3×3 with the block's stride, `conv2` 3×3 with stride 1, both padded by 1 and
/// without bias. The shortcut is the identity when the shape is kept; otherwise it is a
/// `Sequential` named `shortcut` of a 1×1 convolution with the stride (no bias) and a
/// `BatchNorm2d` (the paper's option B), so parameter paths are `shortcut.0.weight`,
/// `shortcut.1.weight`, … as in the common PyTorch CIFAR implementations.
public final class BasicBlock: Module {
  public let conv1: Conv2d
  public let bn1: BatchNorm
  public let conv2: Conv2d
  public let bn2: BatchNorm
  /// Nil for the identity shortcut.
  public let shortcut: Sequential?

  /// - Parameters:
  ///   - inputChannels: the channels coming in.
  ///   - outputChannels: the channels going out.
  ///   - stride: 2 to halve the height and width, 1 to keep them.
  ///   - generator: the seeded source of the convolution weights.
  /// - Throws: `ModuleError` for a size that is not positive.
  public init(_ inputChannels: Int, _ outputChannels: Int, stride: Int = 1, generator: inout RandomGenerator) throws {
    conv1 = try Conv2d(
      inputChannels, outputChannels, kernelSize: 3, stride: stride, padding: 1, bias: false, generator: &generator)
    bn1 = try BatchNorm(outputChannels, spatial: true)
    conv2 = try Conv2d(
      outputChannels, outputChannels, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: &generator)
    bn2 = try BatchNorm(outputChannels, spatial: true)
    shortcut =
      stride != 1 || inputChannels != outputChannels
      ? Sequential([
        try Conv2d(inputChannels, outputChannels, kernelSize: 1, stride: stride, bias: false, generator: &generator),
        try BatchNorm(outputChannels, spatial: true),
      ])
      : nil
    super.init()
  }

  private init(conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, shortcut: Sequential?) {
    self.conv1 = conv1
    self.bn1 = bn1
    self.conv2 = conv2
    self.bn2 = bn2
    self.shortcut = shortcut
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 4, input.shape[1] == conv1.inputChannels else {
      throw ModuleError(
        "'BasicBlock' expects input of shape [N, \(conv1.inputChannels), H, W] but got \(Tensor.describe(input.shape))"
      )
    }
    let residual = try bn2(conv2(bn1.rectified(conv1(input))))
    return try Variable.rectifiedSum(residual, shortcut?(input) ?? input)
  }

  public override var children: [(name: String, module: Module)] {
    [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (shortcut.map { [("shortcut", $0)] } ?? [])
  }

  public override func copy(withChildren children: [Module]) throws -> Module {
    BasicBlock(
      conv1: try child(children, 0), bn1: try child(children, 1), conv2: try child(children, 2),
      bn2: try child(children, 3), shortcut: shortcut == nil ? nil : try child(children, 4))
  }

  public override var configurationDescription: String {
    "BasicBlock(\(conv1.inputChannels) → \(conv1.outputChannels)"
      + "\(conv1.geometry.stride != 1 ? ", stride \(conv1.geometry.stride)" : ""))"
  }
}

/// Residual networks.
public enum ResNet {
  /// The CIFAR ResNet of He et al. 2016, §4.2: a 3×3 convolution to `widths[0]` channels with
  /// batch norm and ReLU, three stages of (depth − 2) / 6 `BasicBlock`s of `widths[0]`,
  /// `widths[1]` and `widths[2]` channels (stages 2 and 3 start with stride 2), global average
  /// pooling, and a `Linear` to `classes` logits. Input `[N, inputChannels, H, W]` (3×32×32 for
  /// CIFAR); global pooling makes any height and width work, and the two stride-2 stages round
  /// odd sides up.
  ///
  /// Shortcuts that change the shape use 1×1 convolutions (option B), not the paper's
  /// zero-padding (option A), so ResNet-20 has 272,474 parameters rather than the paper's
  /// 0.27M = 269,722. Paths follow the common PyTorch implementation: `conv1`, `bn1`,
  /// `layer1.0.conv1.weight` …, `linear`.
  ///
  /// - Parameters:
  ///   - depth: 6n + 2 layers with weights: 20, 32, 44, 56, 110 in the paper.
  ///   - classes: the number of logits.
  ///   - widths: the channels of the three stages.
  ///   - inputChannels: the channels of the images (3 for colour, 1 for greyscale).
  ///   - generator: the seeded source of the initial weights.
  /// - Returns: the network, in training mode.
  /// - Throws: `ModuleError` for a depth that is not 6n + 2, not three positive widths, or no
  ///   input channel.
  public static func cifar(
    depth: Int = 20, classes: Int = 10, widths: [Int] = [16, 32, 64], inputChannels: Int = 3,
    generator: inout RandomGenerator
  ) throws -> Module {
    guard depth >= 8, (depth - 2) % 6 == 0 else {
      throw ModuleError("'ResNet.cifar' needs a depth of 6n + 2 (8, 14, 20, 32, 44, 56, 110, …) but got \(depth)")
    }
    guard widths.count == 3, widths.allSatisfy({ $0 > 0 }), classes > 0 else {
      throw ModuleError(
        "'ResNet.cifar' needs three positive stage widths and at least one class but got widths \(widths), "
          + "classes \(classes)")
    }
    guard inputChannels > 0 else {
      throw ModuleError("'ResNet.cifar' needs at least one input channel but got \(inputChannels)")
    }
    return try CIFARResNet(
      inputChannels: inputChannels, blocksPerStage: (depth - 2) / 6, classes: classes, widths: widths,
      generator: &generator)
  }
}

/// The network `ResNet.cifar` builds.
final class CIFARResNet: Module {
  let conv1: Conv2d
  let bn1: BatchNorm
  let stages: [Sequential]
  let pool: AdaptiveAvgPool2d
  let flatten: Flatten
  let linear: Linear

  init(inputChannels: Int, blocksPerStage: Int, classes: Int, widths: [Int], generator: inout RandomGenerator) throws {
    conv1 = try Conv2d(inputChannels, widths[0], kernelSize: 3, padding: 1, bias: false, generator: &generator)
    bn1 = try BatchNorm(widths[0], spatial: true)
    var stages: [Sequential] = []
    var channels = widths[0]
    for (index, width) in widths.enumerated() {
      var blocks: [Module] = []
      for block in 0..<blocksPerStage {
        let stride = index > 0 && block == 0 ? 2 : 1
        blocks.append(try BasicBlock(channels, width, stride: stride, generator: &generator))
        channels = width
      }
      stages.append(Sequential(blocks))
    }
    self.stages = stages
    pool = try AdaptiveAvgPool2d(1)
    flatten = Flatten()
    linear = try Linear(channels, classes, generator: &generator)
    super.init()
  }

  private init(
    conv1: Conv2d, bn1: BatchNorm, stages: [Sequential], pool: AdaptiveAvgPool2d, flatten: Flatten, linear: Linear
  ) {
    self.conv1 = conv1
    self.bn1 = bn1
    self.stages = stages
    self.pool = pool
    self.flatten = flatten
    self.linear = linear
    super.init()
  }

  override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 4, input.shape[1] == conv1.inputChannels else {
      throw ModuleError(
        "'ResNet' expects input of shape [N, \(conv1.inputChannels), H, W] but got \(Tensor.describe(input.shape))")
    }
    var features = try bn1.rectified(conv1(input))
    for stage in stages { features = try stage(features) }
    return try linear(flatten(pool(features)))
  }

  override var children: [(name: String, module: Module)] {
    [("conv1", conv1), ("bn1", bn1)] + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element) }
      + [("avgpool", pool), ("flatten", flatten), ("linear", linear)]
  }

  override func copy(withChildren children: [Module]) throws -> Module {
    let last = children.count - 1
    return CIFARResNet(
      conv1: try child(children, 0), bn1: try child(children, 1),
      stages: try stages.indices.map { try child(children, 2 + $0) }, pool: try child(children, last - 2),
      flatten: try child(children, last - 1), linear: try child(children, last))
  }

  override var configurationDescription: String {
    "ResNet-\(6 * (stages.first?.layers.count ?? 0) + 2)"
  }
}
