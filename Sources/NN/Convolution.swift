import Autodiff
import TensorCore

/// A 2-D convolution over `[N, C, H, W]` (PyTorch's `nn.Conv2d` with square kernels, no groups
/// or dilation): weight `[O, C, k, k]`, bias `[O]`, both drawn from U(−1/√(C·k²), 1/√(C·k²)) as
/// PyTorch's default initialisation.
///
/// The output is `[N, O, H′, W′]` with H′ = ⌊(H + 2·padding − k) / stride⌋ + 1. Channels come
/// second (NCHW): an image batch stored as `[N, H, W, C]` must be permuted first.
public final class Conv2d: Module {
  public let weight: Variable
  public let bias: Variable?
  public let geometry: Convolution2D

  /// - Parameters:
  ///   - inputChannels: C, the channels of the input.
  ///   - outputChannels: O, the number of filters.
  ///   - kernelSize: k, the side of the square kernel.
  ///   - stride: the step between windows (≥ 1).
  ///   - padding: zeros added on every side (≥ 0).
  ///   - bias: whether to add a learned bias per output channel.
  ///   - generator: the seeded source of the initial weights.
  /// - Throws: `ModuleError` for a size that is not positive or a negative padding.
  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    bias: Bool = true, generator: inout RandomGenerator
  ) throws {
    guard inputChannels > 0, outputChannels > 0, kernelSize > 0, stride > 0, padding >= 0 else {
      throw ModuleError(
        "'Conv2d' needs positive channels, kernel size and stride and a padding ≥ 0 but got "
          + "Conv2d(\(inputChannels), \(outputChannels), kernelSize: \(kernelSize), stride: \(stride), "
          + "padding: \(padding))")
    }
    let fanIn = inputChannels * kernelSize * kernelSize
    weight = Variable(
      try Initialization.fanInUniform(
        [outputChannels, inputChannels, kernelSize, kernelSize], fanIn: fanIn, generator: &generator),
      requiresGrad: true)
    self.bias =
      bias
      ? Variable(
        try Initialization.fanInUniform([outputChannels], fanIn: fanIn, generator: &generator), requiresGrad: true)
      : nil
    geometry = Convolution2D(stride: stride, padding: padding)
    super.init()
  }

  private init(weight: Variable, bias: Variable?, geometry: Convolution2D) {
    self.weight = weight
    self.bias = bias
    self.geometry = geometry
    super.init()
  }

  public var inputChannels: Int { weight.shape[1] }
  public var outputChannels: Int { weight.shape[0] }
  public var kernelSize: Int { weight.shape[2] }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 4, input.shape[1] == inputChannels else {
      throw ModuleError(
        "'Conv2d' expects input of shape [N, \(inputChannels), H, W] but got \(Tensor.describe(input.shape))")
    }
    return try input.convolution2D(weight: weight, bias: bias, geometry)
  }

  public override var ownParameters: [(name: String, variable: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override func copy(withChildren children: [Module]) -> Module {
    Conv2d(weight: weight.copied(), bias: bias?.copied(), geometry: geometry)
  }

  public override var configurationDescription: String {
    var options = ["\(kernelSize)×\(kernelSize)"]
    if geometry.stride != 1 { options.append("stride \(geometry.stride)") }
    if geometry.padding != 0 { options.append("padding \(geometry.padding)") }
    if bias == nil { options.append("no bias") }
    return "Conv2d(\(inputChannels) → \(outputChannels), \(options.joined(separator: ", ")))"
  }
}

/// Max pooling over `[N, C, H, W]` (PyTorch's `nn.MaxPool2d`): the largest value of each
/// `kernelSize × kernelSize` window; padding never wins. The stride defaults to the kernel size.
public final class MaxPool2d: Module {
  public let pooling: Pooling2D

  /// - Throws: `ModuleError` unless kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel / 2 (PyTorch's
  ///   limits: a wider padding could make a window of padding only).
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) throws {
    pooling = try validatedPooling("MaxPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
    super.init()
  }

  private init(pooling: Pooling2D) {
    self.pooling = pooling
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    try expectImages(input, "MaxPool2d")
    return try input.maxPool2D(pooling)
  }

  public override func copy(withChildren children: [Module]) -> Module { MaxPool2d(pooling: pooling) }

  public override var configurationDescription: String { "MaxPool2d(\(describe(pooling)))" }
}

/// Average pooling over `[N, C, H, W]` (PyTorch's `nn.AvgPool2d`): the mean of each
/// `kernelSize × kernelSize` window, padded zeros included in the divisor
/// (`count_include_pad=True`). The stride defaults to the kernel size.
public final class AvgPool2d: Module {
  public let pooling: Pooling2D

  /// - Throws: `ModuleError` unless kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel / 2.
  public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) throws {
    pooling = try validatedPooling("AvgPool2d", kernelSize: kernelSize, stride: stride, padding: padding)
    super.init()
  }

  private init(pooling: Pooling2D) {
    self.pooling = pooling
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    try expectImages(input, "AvgPool2d")
    return try input.averagePool2D(pooling)
  }

  public override func copy(withChildren children: [Module]) -> Module { AvgPool2d(pooling: pooling) }

  public override var configurationDescription: String { "AvgPool2d(\(describe(pooling)))" }
}

/// Adaptive average pooling to a fixed output size whatever the input's (PyTorch's
/// `nn.AdaptiveAvgPool2d`); `AdaptiveAvgPool2d(1)` is global average pooling.
public final class AdaptiveAvgPool2d: Module {
  public let outputHeight: Int
  public let outputWidth: Int

  /// A square output, `outputSize × outputSize`.
  public convenience init(_ outputSize: Int) throws {
    try self.init(outputHeight: outputSize, outputWidth: outputSize)
  }

  /// - Throws: `ModuleError` for an output size that is not positive.
  public init(outputHeight: Int, outputWidth: Int) throws {
    guard outputHeight > 0, outputWidth > 0 else {
      throw ModuleError("'AdaptiveAvgPool2d' needs a positive output size but got \(outputHeight)×\(outputWidth)")
    }
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    try expectImages(input, "AdaptiveAvgPool2d")
    return try input.adaptiveAveragePool2D(outputHeight: outputHeight, outputWidth: outputWidth)
  }

  public override func copy(withChildren children: [Module]) throws -> Module {
    try AdaptiveAvgPool2d(outputHeight: outputHeight, outputWidth: outputWidth)
  }

  public override var configurationDescription: String { "AdaptiveAvgPool2d(\(outputHeight)×\(outputWidth))" }
}

private func validatedPooling(_ layer: String, kernelSize: Int, stride: Int?, padding: Int) throws -> Pooling2D {
  let pooling = Pooling2D(kernel: kernelSize, stride: stride, padding: padding)
  guard pooling.kernel >= 1, pooling.stride >= 1, pooling.padding >= 0, pooling.padding <= pooling.kernel / 2 else {
    throw ModuleError(
      "'\(layer)' needs kernel size ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel size / 2 but got "
        + "kernel size \(kernelSize), stride \(pooling.stride), padding \(padding)")
  }
  return pooling
}

private func expectImages(_ input: Variable, _ layer: String) throws {
  guard input.shape.count == 4 else {
    throw ModuleError("'\(layer)' expects input of shape [N, C, H, W] but got \(Tensor.describe(input.shape))")
  }
}

private func describe(_ pooling: Pooling2D) -> String {
  var text = "\(pooling.kernel)×\(pooling.kernel)"
  if pooling.stride != pooling.kernel { text += ", stride \(pooling.stride)" }
  if pooling.padding != 0 { text += ", padding \(pooling.padding)" }
  return text
}
