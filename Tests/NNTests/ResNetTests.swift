import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

@Suite("Residual networks")
struct ResNetTests {
  @Test("a block that keeps the shape has an identity shortcut and PyTorch's parameter paths")
  func identityBlock() throws {
    var generator = RandomGenerator(seed: 1)
    let block = try BasicBlock(4, 4, generator: &generator)
    #expect(block.shortcut == nil)
    #expect(
      parameterList(block) == [
        "conv1.weight [4, 4, 3, 3]", "bn1.weight [4]", "bn1.bias [4]", "conv2.weight [4, 4, 3, 3]", "bn2.weight [4]",
        "bn2.bias [4]",
      ])
  }

  @Test("a downsampling block has a 1×1-convolution shortcut named shortcut.0 and shortcut.1")
  func downsamplingBlock() throws {
    var generator = RandomGenerator(seed: 2)
    let block = try BasicBlock(4, 8, stride: 2, generator: &generator)
    #expect(
      parameterList(block) == [
        "conv1.weight [8, 4, 3, 3]", "bn1.weight [8]", "bn1.bias [8]", "conv2.weight [8, 8, 3, 3]", "bn2.weight [8]",
        "bn2.bias [8]", "shortcut.0.weight [8, 4, 1, 1]", "shortcut.1.weight [8]", "shortcut.1.bias [8]",
      ])
    #expect(
      block.namedBuffers().map(\.path) == [
        "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked", "bn2.running_mean", "bn2.running_var",
        "bn2.num_batches_tracked", "shortcut.1.running_mean", "shortcut.1.running_var",
        "shortcut.1.num_batches_tracked",
      ])
    #expect(try block(Variable(try Tensor.zeros([2, 4, 7, 6]))).shape == [2, 8, 4, 3])
  }

  @Test("block gradients reach the input and every parameter", arguments: [(3, 3, 1), (2, 4, 2)])
  func blockGradients(_ shape: (inputs: Int, outputs: Int, stride: Int)) throws {
    var generator = RandomGenerator(seed: 3)
    let block = try BasicBlock(shape.inputs, shape.outputs, stride: shape.stride, generator: &generator)
    try checkModuleGradients(block, input: try random([2, shape.inputs, 5, 5], seed: 4))
  }

  @Test("a block is relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))")
  func blockStructure() throws {
    var generator = RandomGenerator(seed: 5)
    let block = try BasicBlock(2, 4, stride: 2, generator: &generator)
    let input = Variable(try random([2, 2, 6, 6], seed: 6))
    let shortcut = try #require(block.shortcut)
    let residual = try block.bn2(block.conv2(block.bn1(block.conv1(input)).relu()))
    let expected = try (residual + shortcut(input)).relu()
    #expect(try block(input).value == expected.value)
  }

  /// PyTorch's CIFAR ResNet-20 with 1×1-convolution shortcuts, counted by hand:
  /// stem 3·16·9 + 2·16 = 464; stage 1: 3 blocks of 2·(16·16·9) + 2·(2·16) = 4,672 → 14,016;
  /// stage 2: first block 16·32·9 + 32·32·9 + 16·32 + 3·(2·32) = 14,528, two more of
  /// 2·(32·32·9) + 2·(2·32) = 18,560 → 51,648; stage 3: first block 32·64·9 + 64·64·9 + 32·64 +
  /// 3·(2·64) = 57,728, two more of 73,984 → 205,696; linear 64·10 + 10 = 650. Total 272,474
  /// (the paper's zero-padding shortcuts drop the 2,752 shortcut weights: 269,722).
  @Test("ResNet-20 for CIFAR has 272,474 parameters in 65 tensors with PyTorch-style paths")
  func resNet20() throws {
    var generator = RandomGenerator(seed: 7)
    let model = try ResNet.cifar(generator: &generator)
    #expect(model.parameterCount == 272_474)
    let paths = model.namedParameters().map(\.path)
    #expect(paths.count == 65)
    #expect(Array(paths.prefix(4)) == ["conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight"])
    #expect(paths.contains("layer2.0.shortcut.0.weight") && paths.contains("layer3.0.shortcut.1.bias"))
    #expect(!paths.contains("layer1.0.shortcut.0.weight") && !paths.contains("layer2.1.shortcut.0.weight"))
    #expect(Array(paths.suffix(2)) == ["linear.weight", "linear.bias"])
    let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.path, $0.variable.shape) })
    #expect(shapes["layer3.2.conv2.weight"] == [64, 64, 3, 3])
    #expect(shapes["layer3.0.shortcut.0.weight"] == [64, 32, 1, 1])
    #expect(shapes["linear.weight"] == [10, 64])
  }

  @Test("a depth that is not 6n + 2 is refused", arguments: [21, 2, 0, 19])
  func invalidDepth(_ depth: Int) throws {
    var generator = RandomGenerator(seed: 8)
    #expect(
      throws: ModuleError("'ResNet.cifar' needs a depth of 6n + 2 (8, 14, 20, 32, 44, 56, 110, …) but got \(depth)")
    ) { try ResNet.cifar(depth: depth, generator: &generator) }
  }

  @Test("a small CIFAR ResNet maps images to logits and trains end to end")
  func smallNetwork() throws {
    var generator = RandomGenerator(seed: 9)
    let model = try ResNet.cifar(depth: 8, classes: 5, widths: [4, 6, 8], generator: &generator)
    let images = Variable(try random([3, 3, 8, 8], seed: 10))
    let logits = try model(images)
    #expect(logits.shape == [3, 5])
    try logits.crossEntropy(targets: [0, 3, 4]).backward()
    for (path, parameter) in model.namedParameters() {
      #expect(parameter.grad?.shape == parameter.shape, "'\(path)' got a gradient")
    }
    let summary = try model.summary(inputShape: [1, 3, 8, 8])
    #expect(summary.rows.first?.layer == "ResNet-8")
    #expect(summary.rows.last?.path == "linear")
    #expect(summary.rows.contains { $0.path == "layer3.0" && $0.outputShape == [1, 8, 2, 2] })
  }

  @Test("a block input with the wrong channels or rank is named in the error")
  func blockInputErrors() throws {
    var generator = RandomGenerator(seed: 11)
    let block = try BasicBlock(16, 16, generator: &generator)
    #expect(throws: ModuleError("'BasicBlock' expects input of shape [N, 16, H, W] but got [2, 8, 4, 4]")) {
      try block(Variable(try Tensor.zeros([2, 8, 4, 4])))
    }
    #expect(throws: ModuleError("'BasicBlock' expects input of shape [N, 16, H, W] but got [16, 4, 4]")) {
      try block(Variable(try Tensor.zeros([16, 4, 4])))
    }
  }
}
