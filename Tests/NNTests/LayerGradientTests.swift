import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

/// Values 0, 0.1, 0.2, … in a seeded shuffled order: distinct and at least 0.1 apart, so a
/// finite-difference step of 0.01 never changes which element of a window is the maximum.
func distinctValues(_ shape: [Int], seed: UInt64) throws -> Tensor {
  var generator = RandomGenerator(seed: seed)
  let count = shape.reduce(1, *)
  let values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }.shuffled(using: &generator)
  return try Tensor(shape: shape, values: values)
}

@Suite("Convolution and pooling gradients match finite differences")
struct ConvolutionGradientTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var input: [Int]
    var weight: [Int]
    var stride: Int
    var padding: Int
    var testDescription: String {
      "\(Tensor.describe(input)) ⋆ \(Tensor.describe(weight)), stride \(stride), padding \(padding)"
    }
  }

  static let convolutions: [Case] = [
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: 0),
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: 1),
    Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 2, padding: 1),
    // A stride that leaves the last row unused, and a kernel that is not square.
    Case(input: [1, 2, 6, 5], weight: [3, 2, 2, 3], stride: 2, padding: 0),
    Case(input: [2, 4, 4, 4], weight: [3, 4, 1, 1], stride: 2, padding: 0),
  ]

  @Test("convolution: input, weight and bias", arguments: convolutions)
  func convolution(_ geometry: Case) throws {
    let input = try random(geometry.input, seed: 1)
    let weight = try random(geometry.weight, seed: 2)
    let bias = try random([geometry.weight[0]], seed: 3)
    let convolution = Convolution2D(stride: geometry.stride, padding: geometry.padding)
    try checkGradients([input, weight, bias]) {
      try $0[0].convolution2D(weight: $0[1], bias: $0[2], convolution)
    }
    try checkGradients([input, weight]) { try $0[0].convolution2D(weight: $0[1], bias: nil, convolution) }
  }

  @Test("convolution sends no gradient to an operand that needs none")
  func convolutionSkipsConstants() throws {
    let input = Variable(try random([1, 2, 4, 4], seed: 4))
    let weight = Variable(try random([3, 2, 3, 3], seed: 5), requiresGrad: true)
    let bias = Variable(try random([3], seed: 6))
    try input.convolution2D(weight: weight, bias: bias, Convolution2D(padding: 1)).sum().backward()
    #expect(weight.grad?.shape == [3, 2, 3, 3])
    #expect(input.grad == nil && bias.grad == nil)
  }

  static let poolings: [(kernel: Int, stride: Int?, padding: Int)] = [(2, nil, 0), (3, 2, 1), (3, 1, 1), (2, 3, 0)]

  @Test("max pooling", arguments: poolings)
  func maxPooling(_ pooling: (kernel: Int, stride: Int?, padding: Int)) throws {
    let input = try distinctValues([2, 3, 7, 6], seed: 7)
    try checkGradients([input]) {
      try $0[0].maxPool2D(Pooling2D(kernel: pooling.kernel, stride: pooling.stride, padding: pooling.padding))
    }
  }

  @Test("average pooling", arguments: poolings)
  func averagePooling(_ pooling: (kernel: Int, stride: Int?, padding: Int)) throws {
    let input = try random([2, 3, 7, 6], seed: 8)
    try checkGradients([input]) {
      try $0[0].averagePool2D(Pooling2D(kernel: pooling.kernel, stride: pooling.stride, padding: pooling.padding))
    }
  }

  @Test("adaptive average pooling, with overlapping windows", arguments: [(1, 1), (3, 3), (2, 4), (5, 7)])
  func adaptiveAveragePooling(_ size: (Int, Int)) throws {
    let input = try random([2, 2, 5, 7], seed: 9)
    try checkGradients([input]) { try $0[0].adaptiveAveragePool2D(outputHeight: size.0, outputWidth: size.1) }
  }
}

@Suite("Convolution and pooling values")
struct ConvolutionValueTests {
  @Test("a 3×3 box filter with padding 1 counts each pixel's neighbours")
  func boxFilter() throws {
    let ones = Variable(try Tensor.ones([1, 1, 3, 3]))
    let output = try ones.convolution2D(
      weight: Variable(try Tensor.ones([1, 1, 3, 3])), bias: Variable(Tensor([0.5])), Convolution2D(padding: 1))
    #expect(output.value == (try Tensor(shape: [1, 1, 3, 3], values: [4, 6, 4, 6, 9, 6, 4, 6, 4].map { $0 + 0.5 })))
  }

  @Test("stride 2 reads every other window: output side ⌊(H + 2p − k) / s⌋ + 1")
  func strideSkipsWindows() throws {
    let input = Variable(try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init)))
    let output = try input.convolution2D(
      weight: Variable(try Tensor(shape: [1, 1, 1, 1], values: [2])), bias: nil, Convolution2D(stride: 2))
    #expect(output.value == (try Tensor(shape: [1, 1, 2, 2], values: [0, 4, 16, 20])))
  }

  @Test("average pooling counts padded zeros in the divisor (count_include_pad)")
  func averageIncludesPadding() throws {
    let output = try Variable(try Tensor.ones([1, 1, 3, 3])).averagePool2D(Pooling2D(kernel: 3, stride: 2, padding: 1))
    #expect(output.shape == [1, 1, 2, 2])
    #expect(output.value.scalars.allSatisfy { abs($0 - 4 / 9) < 1e-6 })
  }

  @Test("max pooling ignores padding even when every value is negative")
  func maxIgnoresPadding() throws {
    let input = Variable(try Tensor(shape: [1, 1, 2, 2], values: [-4, -3, -2, -1]))
    let output = try input.maxPool2D(Pooling2D(kernel: 2, stride: 1, padding: 1))
    #expect(output.value == (try Tensor(shape: [1, 1, 3, 3], values: [-4, -3, -3, -2, -1, -1, -2, -1, -1])))
  }

  @Test("adaptive pooling to 1×1 is the mean of each plane")
  func globalAverage() throws {
    let input = Variable(try Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 10, 20, 30, 40]))
    #expect(try input.adaptiveAveragePool2D(outputHeight: 1, outputWidth: 1).value.scalars == [2.5, 25])
  }
}

@Suite("Convolution and pooling layers")
struct ConvolutionLayerTests {
  @Test("Conv2d has PyTorch's parameters and initial range U(±1/√(C·k²))")
  func convolutionParameters() throws {
    var generator = RandomGenerator(seed: 1)
    let layer = try Conv2d(3, 8, kernelSize: 5, stride: 2, padding: 2, generator: &generator)
    #expect(parameterList(layer) == ["weight [8, 3, 5, 5]", "bias [8]"])
    let bound = 1 / Float(3 * 5 * 5).squareRoot()
    for parameter in layer.parameters { #expect(parameter.value.scalars.allSatisfy { abs($0) <= bound }) }
    #expect(layer.weight.value.scalars.contains { abs($0) > bound / 2 }, "the draws cover the range")
    let noBias = try Conv2d(3, 8, kernelSize: 3, bias: false, generator: &generator)
    #expect(parameterList(noBias) == ["weight [8, 3, 3, 3]"])
    #expect(layer.configurationDescription == "Conv2d(3 → 8, 5×5, stride 2, padding 2)")
  }

  @Test("Conv2d and the pools give PyTorch's output shapes")
  func outputShapes() throws {
    var generator = RandomGenerator(seed: 2)
    let input = Variable(try Tensor.zeros([2, 3, 9, 8]))
    #expect(try Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, generator: &generator)(input).shape == [2, 4, 5, 4])
    #expect(try MaxPool2d(kernelSize: 2)(input).shape == [2, 3, 4, 4])
    #expect(try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(input).shape == [2, 3, 5, 4])
    #expect(try AvgPool2d(kernelSize: 3, stride: 1)(input).shape == [2, 3, 7, 6])
    #expect(try AdaptiveAvgPool2d(1)(input).shape == [2, 3, 1, 1])
    #expect(try AdaptiveAvgPool2d(outputHeight: 2, outputWidth: 3)(input).shape == [2, 3, 2, 3])
  }

  @Test("a Conv2d input of the wrong rank or channel count is named in the error")
  func convolutionInputErrors() throws {
    var generator = RandomGenerator(seed: 3)
    let layer = try Conv2d(3, 4, kernelSize: 3, generator: &generator)
    #expect(throws: ModuleError("'Conv2d' expects input of shape [N, 3, H, W] but got [3, 8, 8]")) {
      try layer(Variable(try Tensor.zeros([3, 8, 8])))
    }
    #expect(throws: ModuleError("'Conv2d' expects input of shape [N, 3, H, W] but got [1, 1, 8, 8]")) {
      try layer(Variable(try Tensor.zeros([1, 1, 8, 8])))
    }
    #expect(throws: ModuleError("'MaxPool2d' expects input of shape [N, C, H, W] but got [4, 4]")) {
      try MaxPool2d(kernelSize: 2)(Variable(try Tensor.zeros([4, 4])))
    }
    #expect(throws: ModuleError("'AdaptiveAvgPool2d' expects input of shape [N, C, H, W] but got [2, 3, 4]")) {
      try AdaptiveAvgPool2d(1)(Variable(try Tensor.zeros([2, 3, 4])))
    }
  }

  @Test("impossible layer settings are refused when the layer is built")
  func invalidSettings() throws {
    var generator = RandomGenerator(seed: 4)
    #expect(throws: ModuleError.self) { try Conv2d(3, 4, kernelSize: 0, generator: &generator) }
    #expect(throws: ModuleError.self) { try Conv2d(3, 4, kernelSize: 3, stride: 0, generator: &generator) }
    #expect(
      throws: ModuleError(
        "'MaxPool2d' needs kernel size ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel size / 2 but got "
          + "kernel size 2, stride 2, padding 2")
    ) { try MaxPool2d(kernelSize: 2, padding: 2) }
    #expect(throws: ModuleError.self) { try AdaptiveAvgPool2d(0) }
  }

  @Test("Conv2d gradients reach its input, weight and bias")
  func convolutionModuleGradients() throws {
    var generator = RandomGenerator(seed: 5)
    let layer = try Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, generator: &generator)
    try checkModuleGradients(layer, input: try random([2, 2, 5, 5], seed: 6), step: 1e-2)
  }
}
