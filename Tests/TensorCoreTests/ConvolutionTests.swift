import Testing

@testable import TensorCore

/// The sizes of one convolution, as a test argument.
struct ConvolutionCase: Sendable, CustomTestStringConvertible {
  var batch: Int
  var channels: Int
  var height: Int
  var width: Int
  var outputChannels: Int
  var kernelHeight: Int
  var kernelWidth: Int
  var stride: Int
  var padding: Int

  /// Sizes read off the two shapes; the channels are the input's.
  init(input: [Int], weight: [Int], stride: Int, padding: Int) {
    (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
    (outputChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
    (self.stride, self.padding) = (stride, padding)
  }

  var inputShape: [Int] { [batch, channels, height, width] }
  var weightShape: [Int] { [outputChannels, channels, kernelHeight, kernelWidth] }
  var geometry: Convolution2D { Convolution2D(stride: stride, padding: padding) }
  var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
  /// A seed of its own per case, so adding a case changes no other case's numbers.
  var seed: UInt64 {
    [batch, channels, height, width, outputChannels, kernelHeight, kernelWidth, stride, padding]
      .reduce(17) { $0 &* 31 &+ UInt64($1) }
  }

  var testDescription: String {
    "input \(Tensor.describe(inputShape)), weight \(Tensor.describe(weightShape)), stride \(stride), padding \(padding)"
  }

  /// Random input, weight, bias and output gradient for this case.
  func operands() throws -> (input: Tensor, weight: Tensor, bias: Tensor, outputGradient: Tensor) {
    var generator = RandomGenerator(seed: seed)
    return (
      try Tensor.normal(inputShape, generator: &generator), try Tensor.normal(weightShape, generator: &generator),
      try Tensor.normal([outputChannels], generator: &generator),
      try Tensor.normal(outputShape, generator: &generator)
    )
  }

  static let all: [ConvolutionCase] = [
    .init(input: [2, 3, 7, 5], weight: [4, 3, 3, 3], stride: 1, padding: 1),
    .init(input: [1, 2, 6, 9], weight: [3, 2, 5, 5], stride: 2, padding: 2),
    .init(input: [3, 4, 8, 8], weight: [5, 4, 1, 1], stride: 1, padding: 0),
    .init(input: [2, 3, 5, 4], weight: [2, 3, 1, 1], stride: 2, padding: 1),
    .init(input: [1, 1, 3, 3], weight: [1, 1, 5, 5], stride: 1, padding: 1),
    .init(input: [2, 5, 9, 7], weight: [3, 5, 3, 3], stride: 2, padding: 0),
    .init(input: [1, 3, 4, 6], weight: [2, 3, 5, 5], stride: 1, padding: 2),
    .init(input: [2, 2, 6, 5], weight: [3, 2, 3, 1], stride: 1, padding: 1),
    .init(input: [2, 3, 10, 11], weight: [4, 3, 3, 3], stride: 2, padding: 2),
    .init(input: [1, 2, 8, 3], weight: [2, 2, 1, 3], stride: 2, padding: 0),
    // Kernels wider than the image: some kernel columns see only padding.
    .init(input: [1, 2, 3, 1], weight: [2, 2, 5, 5], stride: 1, padding: 2),
    .init(input: [2, 2, 4, 2], weight: [3, 2, 5, 5], stride: 1, padding: 2),
  ]
}

/// The convolution straight from its definition, in Double, to test the im2col kernels
/// against: seven nested loops visit every product term once.
enum DirectConvolution {
  /// Calls `body(output, input, weight)` with the flat indices of each term
  /// `output[n, o, i, j] += input[n, c, i·s − pad + p, j·s − pad + q] · weight[o, c, p, q]`
  /// whose input position lies inside the image.
  static func forEachTerm(_ sizes: ConvolutionCase, _ body: (Int, Int, Int) -> Void) {
    let (outputHeight, outputWidth) = (sizes.outputHeight, sizes.outputWidth)
    for n in 0..<sizes.batch {
      for o in 0..<sizes.outputChannels {
        for i in 0..<outputHeight {
          for j in 0..<outputWidth {
            for c in 0..<sizes.channels {
              for p in 0..<sizes.kernelHeight {
                for q in 0..<sizes.kernelWidth {
                  let row = i * sizes.stride - sizes.padding + p
                  let column = j * sizes.stride - sizes.padding + q
                  guard row >= 0, row < sizes.height, column >= 0, column < sizes.width else { continue }
                  body(
                    ((n * sizes.outputChannels + o) * outputHeight + i) * outputWidth + j,
                    ((n * sizes.channels + c) * sizes.height + row) * sizes.width + column,
                    ((o * sizes.channels + c) * sizes.kernelHeight + p) * sizes.kernelWidth + q)
                }
              }
            }
          }
        }
      }
    }
  }

  static func output(_ sizes: ConvolutionCase, input: Tensor, weight: Tensor, bias: Tensor?) -> [Double] {
    let (x, w) = (input.scalars, weight.scalars)
    var result = [Double](repeating: 0, count: sizes.outputShape.reduce(1, *))
    forEachTerm(sizes) { output, input, weight in result[output] += Double(x[input]) * Double(w[weight]) }
    if let bias {
      let area = sizes.outputHeight * sizes.outputWidth
      for index in result.indices { result[index] += Double(bias.scalars[index / area % sizes.outputChannels]) }
    }
    return result
  }

  /// The adjoint of `output` in the input: every term sends `dY · w` back to its input.
  static func inputGradient(_ sizes: ConvolutionCase, outputGradient: Tensor, weight: Tensor) -> [Double] {
    let (dy, w) = (outputGradient.scalars, weight.scalars)
    var result = [Double](repeating: 0, count: sizes.inputShape.reduce(1, *))
    forEachTerm(sizes) { output, input, weight in result[input] += Double(dy[output]) * Double(w[weight]) }
    return result
  }

  /// The adjoint of `output` in the weight: every term sends `dY · x` back to its weight.
  static func weightGradient(_ sizes: ConvolutionCase, outputGradient: Tensor, input: Tensor) -> [Double] {
    let (dy, x) = (outputGradient.scalars, input.scalars)
    var result = [Double](repeating: 0, count: sizes.weightShape.reduce(1, *))
    forEachTerm(sizes) { output, input, weight in result[weight] += Double(dy[output]) * Double(x[input]) }
    return result
  }

  static func biasGradient(_ sizes: ConvolutionCase, outputGradient: Tensor) -> [Double] {
    let area = sizes.outputHeight * sizes.outputWidth
    var result = [Double](repeating: 0, count: sizes.outputChannels)
    for (index, value) in outputGradient.scalars.enumerated() {
      result[index / area % sizes.outputChannels] += Double(value)
    }
    return result
  }
}

/// Comparisons and finite differences shared by the convolution and pooling tests.
enum NumericCheck {
  /// The largest `|actual − expected| / (1 + |expected|)` and its index (-1 when the counts
  /// differ, which is always an error).
  static func worstError(_ actual: [Float], _ expected: [Double]) -> (error: Double, index: Int) {
    guard actual.count == expected.count else { return (.infinity, -1) }
    var worst = (error: 0.0, index: 0)
    for index in actual.indices {
      let error = abs(Double(actual[index]) - expected[index]) / (1 + abs(expected[index]))
      if error > worst.error { worst = (error, index) }
    }
    return worst
  }

  static func expectClose(
    _ actual: [Float], _ expected: [Double], tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let worst = worstError(actual, expected)
    #expect(
      worst.error <= tolerance,
      "\(what): error \(worst.error) at index \(worst.index) of \(actual.count) (expected \(expected.count) values)",
      sourceLocation: sourceLocation)
  }

  /// `Σ weights · values` in Double: a scalar loss whose gradient with respect to `values` is
  /// `weights`.
  static func dot(_ weights: Tensor, _ values: Tensor) -> Double {
    zip(weights.scalars, values.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }

  /// Up to `count` distinct flat indices below `limit`, drawn from `generator`.
  static func coordinates(_ count: Int, below limit: Int, generator: inout RandomGenerator) -> [Int] {
    guard limit > count else { return Array(0..<limit) }
    var chosen: [Int] = []
    while chosen.count < count {
      let index = Int(generator.next() % UInt64(limit))
      if !chosen.contains(index) { chosen.append(index) }
    }
    return chosen
  }

  /// Central differences `(loss(x + h·e) − loss(x − h·e)) / (2h)` at `coordinates` of `point`,
  /// dividing by the step Float arithmetic actually took.
  static func centralDifferences(
    _ point: Tensor, at coordinates: [Int], step: Float, _ loss: (Tensor) throws -> Double
  ) rethrows -> [Double] {
    var result: [Double] = []
    for index in coordinates {
      var plus = point
      var minus = point
      let value = point.scalars[index]
      plus.withUnsafeMutableBufferPointer { $0[index] = value + step }
      minus.withUnsafeMutableBufferPointer { $0[index] = value - step }
      let taken = Double(value + step) - Double(value - step)
      result.append((try loss(plus) - loss(minus)) / taken)
    }
    return result
  }
}

@Suite("Convolution")
struct ConvolutionTests {
  @Test("the forward pass matches the direct seven-loop definition", arguments: ConvolutionCase.all)
  func forward(_ sizes: ConvolutionCase) throws {
    let (input, weight, bias, _) = try sizes.operands()
    let output = try Tensor.convolution2D(input, weight: weight, bias: bias, sizes.geometry)
    #expect(output.shape == sizes.outputShape)
    let expected = DirectConvolution.output(sizes, input: input, weight: weight, bias: bias)
    NumericCheck.expectClose(output.scalars, expected, tolerance: 1e-5, "with bias")
    let unbiased = try Tensor.convolution2D(input, weight: weight, bias: nil, sizes.geometry)
    let expectedUnbiased = DirectConvolution.output(sizes, input: input, weight: weight, bias: nil)
    NumericCheck.expectClose(unbiased.scalars, expectedUnbiased, tolerance: 1e-5, "without bias")
  }

  @Test("the three gradients equal the direct adjoints", arguments: ConvolutionCase.all)
  func adjoints(_ sizes: ConvolutionCase) throws {
    let (input, weight, _, outputGradient) = try sizes.operands()
    let inputGradient = try Tensor.convolution2DInputGradient(
      outputGradient, weight: weight, inputShape: sizes.inputShape, sizes.geometry)
    #expect(inputGradient.shape == sizes.inputShape)
    NumericCheck.expectClose(
      inputGradient.scalars,
      DirectConvolution.inputGradient(sizes, outputGradient: outputGradient, weight: weight), tolerance: 1e-5, "input")
    let weightGradient = try Tensor.convolution2DWeightGradient(
      outputGradient, input: input, weightShape: sizes.weightShape, sizes.geometry)
    #expect(weightGradient.shape == sizes.weightShape)
    NumericCheck.expectClose(
      weightGradient.scalars,
      DirectConvolution.weightGradient(sizes, outputGradient: outputGradient, input: input), tolerance: 1e-5,
      "weight")
    let biasGradient = try Tensor.convolution2DBiasGradient(outputGradient)
    #expect(biasGradient.shape == [sizes.outputChannels])
    NumericCheck.expectClose(
      biasGradient.scalars, DirectConvolution.biasGradient(sizes, outputGradient: outputGradient), tolerance: 1e-5,
      "bias")
  }

  @Test("finite differences of Σ dY · conv(x, w, b) agree with every gradient", arguments: ConvolutionCase.all)
  func finiteDifferences(_ sizes: ConvolutionCase) throws {
    let (input, weight, bias, outputGradient) = try sizes.operands()
    let geometry = sizes.geometry
    var generator = RandomGenerator(seed: sizes.seed &+ 1)
    func loss(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Double {
      NumericCheck.dot(outputGradient, try Tensor.convolution2D(x, weight: w, bias: b, geometry))
    }

    let inputIndices = NumericCheck.coordinates(24, below: input.count, generator: &generator)
    let inputGradient = try Tensor.convolution2DInputGradient(
      outputGradient, weight: weight, inputShape: sizes.inputShape, geometry)
    let inputDifferences = try NumericCheck.centralDifferences(input, at: inputIndices, step: 1e-2) {
      try loss($0, weight, bias)
    }
    NumericCheck.expectClose(inputIndices.map { inputGradient.scalars[$0] }, inputDifferences, tolerance: 1e-3, "input")

    let weightIndices = NumericCheck.coordinates(24, below: weight.count, generator: &generator)
    let weightGradient = try Tensor.convolution2DWeightGradient(
      outputGradient, input: input, weightShape: sizes.weightShape, geometry)
    let weightDifferences = try NumericCheck.centralDifferences(weight, at: weightIndices, step: 1e-2) {
      try loss(input, $0, bias)
    }
    NumericCheck.expectClose(
      weightIndices.map { weightGradient.scalars[$0] }, weightDifferences, tolerance: 1e-3, "weight")

    let biasGradient = try Tensor.convolution2DBiasGradient(outputGradient)
    let biasDifferences = try NumericCheck.centralDifferences(bias, at: Array(0..<bias.count), step: 1e-2) {
      try loss(input, weight, $0)
    }
    NumericCheck.expectClose(biasGradient.scalars, biasDifferences, tolerance: 1e-3, "bias")
  }

  @Test(
    "lowering the column matrix a few output rows at a time gives the same results",
    arguments: [
      ConvolutionCase(input: [2, 3, 9, 6], weight: [4, 3, 3, 3], stride: 1, padding: 1),
      ConvolutionCase(input: [2, 3, 7, 5], weight: [2, 3, 1, 1], stride: 1, padding: 0),
      ConvolutionCase(input: [1, 2, 11, 8], weight: [3, 2, 5, 3], stride: 2, padding: 2),
      ConvolutionCase(input: [1, 2, 9, 7], weight: [2, 2, 5, 5], stride: 1, padding: 2),
    ], [1, 2, 4])
  func tiling(_ sizes: ConvolutionCase, rowsPerTile: Int) throws {
    let (input, weight, bias, outputGradient) = try sizes.operands()
    var layout = try ConvolutionLayout("conv2d", input: sizes.inputShape, weight: sizes.weightShape, sizes.geometry)
    layout.tileBudget = rowsPerTile * layout.patchSize * sizes.outputWidth
    layout.weightTileBudget = layout.tileBudget
    #expect(layout.tileRows(within: layout.tileBudget) <= rowsPerTile)
    let output = try Tensor.zeros(sizes.outputShape)
    let inputGradient = try Tensor.zeros(sizes.inputShape)
    let weightGradient = try Tensor.zeros(sizes.weightShape)
    layout.forward(
      input: input.storage.base, weight: weight.storage.base, bias: bias.storage.base, output: output.storage.base)
    layout.inputGradient(
      outputGradient: outputGradient.storage.base, weight: weight.storage.base,
      inputGradient: inputGradient.storage.base)
    layout.weightGradient(
      outputGradient: outputGradient.storage.base, input: input.storage.base,
      weightGradient: weightGradient.storage.base)
    NumericCheck.expectClose(
      output.scalars, DirectConvolution.output(sizes, input: input, weight: weight, bias: bias), tolerance: 1e-5,
      "output")
    NumericCheck.expectClose(
      inputGradient.scalars, DirectConvolution.inputGradient(sizes, outputGradient: outputGradient, weight: weight),
      tolerance: 1e-5, "input gradient")
    NumericCheck.expectClose(
      weightGradient.scalars, DirectConvolution.weightGradient(sizes, outputGradient: outputGradient, input: input),
      tolerance: 1e-5, "weight gradient")
  }

  @Test("a 3×3 box filter with padding 1 sums neighbourhoods; stride 2 keeps every other one")
  func boxFilter() throws {
    let input = try Tensor(shape: [1, 1, 3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let box = try Tensor.ones([1, 1, 3, 3])
    let sums = try Tensor.convolution2D(input, weight: box, bias: nil, Convolution2D(padding: 1))
    #expect(sums.shape == [1, 1, 3, 3])
    #expect(sums.scalars == [12, 21, 16, 27, 45, 33, 24, 39, 28])
    let strided = try Tensor.convolution2D(
      input, weight: box, bias: Tensor([0.5]), Convolution2D(stride: 2, padding: 1))
    #expect(strided.shape == [1, 1, 2, 2])
    #expect(strided.scalars == [12.5, 16.5, 24.5, 28.5])
  }

  @Test("a 1×1 convolution is a matrix product at every pixel")
  func pointwise() throws {
    var generator = RandomGenerator(seed: 11)
    let input = try Tensor.normal([1, 3, 2, 2], generator: &generator)
    let weight = try Tensor.normal([4, 3, 1, 1], generator: &generator)
    let output = try Tensor.convolution2D(input, weight: weight, bias: nil, Convolution2D())
    let product = try weight.reshaped([4, 3]).matmul(input.reshaped([3, 4]))
    #expect(output.shape == [1, 4, 2, 2])
    NumericCheck.expectClose(output.scalars, product.scalars.map(Double.init), tolerance: 1e-6, "product")
  }

  @Test("rows and columns a stride skips get a zero input gradient")
  func skippedRows() throws {
    // (6 − 3) / 2 + 1 = 2 windows cover rows and columns 0…4; row 5 and column 5 are unused.
    let weight = try Tensor.ones([1, 1, 3, 3])
    let outputGradient = try Tensor.ones([1, 1, 2, 2])
    let gradient = try Tensor.convolution2DInputGradient(
      outputGradient, weight: weight, inputShape: [1, 1, 6, 6], Convolution2D(stride: 2))
    let values = gradient.scalars
    #expect((0..<6).allSatisfy { values[5 * 6 + $0] == 0 && values[$0 * 6 + 5] == 0 })
    #expect(values[2 * 6 + 2] == 4)
    #expect(values[0] == 1)
  }

  @Test("an empty batch gives an empty output and zero weight and bias gradients")
  func emptyBatch() throws {
    let input = try Tensor.zeros([0, 2, 5, 5])
    let weight = try Tensor.ones([3, 2, 3, 3])
    let output = try Tensor.convolution2D(input, weight: weight, bias: Tensor([1, 2, 3]), Convolution2D())
    #expect(output.shape == [0, 3, 3, 3])
    let weightGradient = try Tensor.convolution2DWeightGradient(
      output, input: input, weightShape: [3, 2, 3, 3], Convolution2D())
    #expect(weightGradient == (try Tensor.zeros([3, 2, 3, 3])))
    #expect(try Tensor.convolution2DBiasGradient(output).scalars == [0, 0, 0])
  }

  @Test("bad shapes and geometry are named with the operation and the shapes")
  func errors() throws {
    let input = try Tensor.zeros([8, 3, 32, 32])
    #expect(throws: TensorError("conv2d", "input channels differ: [8, 3, 32, 32] and [16, 4, 3, 3]")) {
      try Tensor.convolution2D(input, weight: Tensor.zeros([16, 4, 3, 3]), bias: nil, Convolution2D())
    }
    #expect(
      throws: TensorError(
        "conv2d", "kernel [5, 5] is larger than the padded input [4, 4]: [1, 1, 2, 2] and [1, 1, 5, 5]")
    ) {
      try Tensor.convolution2D(
        Tensor.zeros([1, 1, 2, 2]), weight: Tensor.zeros([1, 1, 5, 5]), bias: nil, Convolution2D(padding: 1))
    }
    #expect(throws: TensorError("conv2d", "expects input of shape [N, C, H, W] but got [3, 32, 32]")) {
      try Tensor.convolution2D(
        Tensor.zeros([3, 32, 32]), weight: Tensor.zeros([16, 3, 3, 3]), bias: nil, Convolution2D())
    }
    #expect(throws: TensorError("conv2d", "expects weight of shape [O, C, KH, KW] but got [16, 3, 3]")) {
      try Tensor.convolution2D(input, weight: Tensor.zeros([16, 3, 3]), bias: nil, Convolution2D())
    }
    #expect(throws: TensorError("conv2d", "bias needs one value per output channel: [8] and [16, 3, 3, 3]")) {
      try Tensor.convolution2D(input, weight: Tensor.zeros([16, 3, 3, 3]), bias: Tensor.zeros([8]), Convolution2D())
    }
    #expect(throws: TensorError("conv2d", "needs a positive stride but got 0")) {
      try Tensor.convolution2D(input, weight: Tensor.zeros([16, 3, 3, 3]), bias: nil, Convolution2D(stride: 0))
    }
    #expect(throws: TensorError("conv2d", "needs a non-negative padding but got -1")) {
      try Tensor.convolution2D(input, weight: Tensor.zeros([16, 3, 3, 3]), bias: nil, Convolution2D(padding: -1))
    }
  }

  @Test("gradients refuse an output gradient or shape that does not fit the convolution")
  func gradientErrors() throws {
    let weight = try Tensor.zeros([16, 3, 3, 3])
    let outputGradient = try Tensor.zeros([8, 16, 30, 31])
    #expect(
      throws: TensorError(
        "conv2dInputGradient",
        "output gradient differs from the convolution's output shape: [8, 16, 30, 31] and [8, 16, 30, 30]")
    ) {
      try Tensor.convolution2DInputGradient(
        outputGradient, weight: weight, inputShape: [8, 3, 32, 32], Convolution2D())
    }
    #expect(throws: TensorError("conv2dWeightGradient", "input channels differ: [8, 4, 32, 32] and [16, 3, 3, 3]")) {
      try Tensor.convolution2DWeightGradient(
        outputGradient, input: Tensor.zeros([8, 4, 32, 32]), weightShape: [16, 3, 3, 3], Convolution2D())
    }
    #expect(
      throws: TensorError("conv2dBiasGradient", "expects an output gradient of shape [N, O, HO, WO] but got [16, 30]")
    ) {
      try Tensor.convolution2DBiasGradient(Tensor.zeros([16, 30]))
    }
  }
}
