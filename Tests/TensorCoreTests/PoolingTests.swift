import Testing

@testable import TensorCore

/// The sizes of one max or average pooling, as a test argument.
struct PoolingCase: Sendable, CustomTestStringConvertible {
  var batch: Int
  var channels: Int
  var height: Int
  var width: Int
  var kernel: Int
  var stride: Int
  var padding: Int

  var inputShape: [Int] { [batch, channels, height, width] }
  var pooling: Pooling2D { Pooling2D(kernel: kernel, stride: stride, padding: padding) }
  var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
  var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
  var outputShape: [Int] { [batch, channels, outputHeight, outputWidth] }
  var seed: UInt64 { [batch, channels, height, width, kernel, stride, padding].reduce(5) { $0 &* 31 &+ UInt64($1) } }

  var testDescription: String {
    "input \(Tensor.describe(inputShape)), kernel \(kernel), stride \(stride), padding \(padding)"
  }

  static let all: [PoolingCase] = [
    .init(batch: 2, channels: 3, height: 6, width: 6, kernel: 2, stride: 2, padding: 0),
    .init(batch: 1, channels: 2, height: 7, width: 5, kernel: 3, stride: 2, padding: 1),
    .init(batch: 2, channels: 1, height: 5, width: 8, kernel: 3, stride: 1, padding: 1),
    .init(batch: 1, channels: 3, height: 9, width: 7, kernel: 4, stride: 3, padding: 2),
    .init(batch: 1, channels: 1, height: 4, width: 4, kernel: 1, stride: 1, padding: 0),
    .init(batch: 2, channels: 2, height: 5, width: 5, kernel: 5, stride: 1, padding: 2),
  ]

  /// Calls `body(output, inputRow, inputColumn, plane)` for every position of every window,
  /// padding included (a row or column outside the image is negative or past the end).
  func forEachWindowPosition(_ body: (Int, Int, Int, Int) -> Void) {
    for plane in 0..<(batch * channels) {
      for i in 0..<outputHeight {
        for j in 0..<outputWidth {
          for p in 0..<kernel {
            for q in 0..<kernel {
              body(
                (plane * outputHeight + i) * outputWidth + j, i * stride - padding + p, j * stride - padding + q, plane)
            }
          }
        }
      }
    }
  }

  func inside(_ row: Int, _ column: Int) -> Bool { row >= 0 && row < height && column >= 0 && column < width }
}

/// Pooling straight from its definitions, to test the kernels against.
enum DirectPooling {
  /// The maximum of each window and the flat input index of its first occurrence.
  static func maximum(_ sizes: PoolingCase, _ input: [Float]) -> (values: [Float], indices: [Int]) {
    let count = sizes.outputShape.reduce(1, *)
    var values = [Float](repeating: -.infinity, count: count)
    var indices = [Int](repeating: -1, count: count)
    sizes.forEachWindowPosition { output, row, column, plane in
      guard sizes.inside(row, column) else { return }
      let index = (plane * sizes.height + row) * sizes.width + column
      if indices[output] < 0 || input[index] > values[output] {
        values[output] = input[index]
        indices[output] = index
      }
    }
    return (values, indices)
  }

  /// The mean of each window over `kernel²` positions, padding counted as zeros.
  static func average(_ sizes: PoolingCase, _ input: [Float]) -> [Double] {
    var result = [Double](repeating: 0, count: sizes.outputShape.reduce(1, *))
    sizes.forEachWindowPosition { output, row, column, plane in
      guard sizes.inside(row, column) else { return }
      result[output] += Double(input[(plane * sizes.height + row) * sizes.width + column])
    }
    return result.map { $0 / Double(sizes.kernel * sizes.kernel) }
  }

  static func averageGradient(_ sizes: PoolingCase, _ outputGradient: [Float]) -> [Double] {
    var result = [Double](repeating: 0, count: sizes.inputShape.reduce(1, *))
    sizes.forEachWindowPosition { output, row, column, plane in
      guard sizes.inside(row, column) else { return }
      result[(plane * sizes.height + row) * sizes.width + column] +=
        Double(outputGradient[output]) / Double(sizes.kernel * sizes.kernel)
    }
    return result
  }

  /// Adaptive bin `i` of `outputs` over `inputs`, from the real-valued definition
  /// `⌊i·inputs / outputs⌋ ..< ⌈(i + 1)·inputs / outputs⌉`.
  static func bin(_ index: Int, _ inputs: Int, _ outputs: Int) -> Range<Int> {
    let start = (Double(index * inputs) / Double(outputs)).rounded(.down)
    let end = (Double((index + 1) * inputs) / Double(outputs)).rounded(.up)
    return Int(start)..<Int(end)
  }

  /// Calls `body(output, input, binSize)` for every input element of every adaptive bin.
  static func forEachAdaptiveTerm(
    _ shape: [Int], _ outputHeight: Int, _ outputWidth: Int, _ body: (Int, Int, Int) -> Void
  ) {
    let (height, width) = (shape[2], shape[3])
    for plane in 0..<(shape[0] * shape[1]) {
      for i in 0..<outputHeight {
        for j in 0..<outputWidth {
          let rows = bin(i, height, outputHeight)
          let columns = bin(j, width, outputWidth)
          for row in rows {
            for column in columns {
              body(
                (plane * outputHeight + i) * outputWidth + j, (plane * height + row) * width + column,
                rows.count * columns.count)
            }
          }
        }
      }
    }
  }

  static func adaptive(_ input: Tensor, _ outputHeight: Int, _ outputWidth: Int) -> [Double] {
    let values = input.scalars
    var result = [Double](repeating: 0, count: input.shape[0] * input.shape[1] * outputHeight * outputWidth)
    forEachAdaptiveTerm(input.shape, outputHeight, outputWidth) { output, input, size in
      result[output] += Double(values[input]) / Double(size)
    }
    return result
  }

  static func adaptiveGradient(_ outputGradient: Tensor, inputShape: [Int]) -> [Double] {
    let values = outputGradient.scalars
    var result = [Double](repeating: 0, count: inputShape.reduce(1, *))
    forEachAdaptiveTerm(inputShape, outputGradient.shape[2], outputGradient.shape[3]) { output, input, size in
      result[input] += Double(values[output]) / Double(size)
    }
    return result
  }
}

@Suite("Max pooling")
struct MaxPoolingTests {
  @Test("values and indices match the direct definition", arguments: PoolingCase.all)
  func forward(_ sizes: PoolingCase) throws {
    var generator = RandomGenerator(seed: sizes.seed)
    let input = try Tensor.normal(sizes.inputShape, generator: &generator)
    let (output, indices) = try input.maxPool2D(sizes.pooling)
    let expected = DirectPooling.maximum(sizes, input.scalars)
    #expect(output.shape == sizes.outputShape)
    #expect(output.scalars == expected.values)
    #expect(indices.map(Int.init) == expected.indices)
  }

  @Test("the gradient goes to each window's maximum and adds up where windows share it", arguments: PoolingCase.all)
  func gradient(_ sizes: PoolingCase) throws {
    var generator = RandomGenerator(seed: sizes.seed &+ 1)
    let input = try Tensor.normal(sizes.inputShape, generator: &generator)
    let outputGradient = try Tensor.normal(sizes.outputShape, generator: &generator)
    let (_, indices) = try input.maxPool2D(sizes.pooling)
    let gradient = try Tensor.maxPool2DGradient(outputGradient, indices: indices, inputShape: sizes.inputShape)
    var expected = [Double](repeating: 0, count: input.count)
    for (output, index) in DirectPooling.maximum(sizes, input.scalars).indices.enumerated() {
      expected[index] += Double(outputGradient.scalars[output])
    }
    #expect(gradient.shape == sizes.inputShape)
    NumericCheck.expectClose(gradient.scalars, expected, tolerance: 1e-6, "routed gradient")
  }

  @Test("finite differences agree with the gradient away from ties", arguments: PoolingCase.all)
  func finiteDifferences(_ sizes: PoolingCase) throws {
    // Distinct values 0.1 apart: a step of 0.01 never changes which element is largest.
    var generator = RandomGenerator(seed: sizes.seed &+ 2)
    let count = sizes.inputShape.reduce(1, *)
    let input = try Tensor(
      shape: sizes.inputShape, values: (0..<count).shuffled(using: &generator).map { Float($0) / 10 })
    let outputGradient = try Tensor.normal(sizes.outputShape, generator: &generator)
    let (_, indices) = try input.maxPool2D(sizes.pooling)
    let gradient = try Tensor.maxPool2DGradient(outputGradient, indices: indices, inputShape: sizes.inputShape)
    let coordinates = NumericCheck.coordinates(30, below: count, generator: &generator)
    let differences = try NumericCheck.centralDifferences(input, at: coordinates, step: 1e-2) {
      NumericCheck.dot(outputGradient, try $0.maxPool2D(sizes.pooling).output)
    }
    NumericCheck.expectClose(coordinates.map { gradient.scalars[$0] }, differences, tolerance: 1e-3, "input")
  }

  @Test("ties choose the first element of the window, as PyTorch does")
  func ties() throws {
    let constant = try Tensor.full([1, 1, 4, 4], 7)
    #expect(try constant.maxPool2D(Pooling2D(kernel: 2)).indices == [0, 2, 8, 10])
    let overlapping = try Tensor.full([1, 1, 3, 3], 7).maxPool2D(Pooling2D(kernel: 2, stride: 1))
    #expect(overlapping.indices == [0, 1, 3, 4])
    let gradient = try Tensor.maxPool2DGradient(
      Tensor.ones([1, 1, 2, 2]), indices: overlapping.indices, inputShape: [1, 1, 3, 3])
    #expect(gradient.scalars == [1, 1, 0, 1, 1, 0, 0, 0, 0])
  }

  @Test("a maximum shared by overlapping windows collects all their gradients")
  func sharedMaximum() throws {
    let input = try Tensor(shape: [1, 1, 3, 3], values: [0, 1, 0, 1, 9, 1, 0, 1, 0])
    let (output, indices) = try input.maxPool2D(Pooling2D(kernel: 2, stride: 1))
    #expect(output.scalars == [9, 9, 9, 9])
    let gradient = try Tensor.maxPool2DGradient(
      Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4]), indices: indices, inputShape: [1, 1, 3, 3])
    #expect(gradient.scalars == [0, 0, 0, 0, 10, 0, 0, 0, 0])
  }

  @Test("padding is minus infinity, so negative inputs still win; indices count across planes")
  func negativeInfinityPadding() throws {
    let input = try Tensor(shape: [2, 1, 2, 2], values: [-1, -2, -3, -4, -8, -7, -6, -5])
    let (output, indices) = try input.maxPool2D(Pooling2D(kernel: 3, stride: 1, padding: 1))
    #expect(output.scalars == [-1, -1, -1, -1, -5, -5, -5, -5])
    #expect(indices == [0, 0, 0, 0, 7, 7, 7, 7])
  }

  @Test("a NaN in a window wins, the last one if several, so it propagates as in PyTorch")
  func notANumber() throws {
    let input = try Tensor(shape: [1, 1, 2, 4], values: [.nan, 1, 1, .nan, .nan, 2, 5, 2])
    let (output, indices) = try input.maxPool2D(Pooling2D(kernel: 2))
    #expect(output.scalars.map(\.isNaN) == [true, true])
    // PyTorch's CPU kernel keeps the last NaN it meets (`val > maxval || isnan(val)`).
    #expect(indices == [4, 3])
  }

  @Test("bad shapes, windows and indices are named")
  func errors() throws {
    #expect(throws: TensorError("maxPool2d", "expects input of shape [N, C, H, W] but got [3, 4]")) {
      try Tensor.zeros([3, 4]).maxPool2D(Pooling2D(kernel: 2))
    }
    #expect(throws: TensorError("maxPool2d", "kernel 5 is larger than the padded input [4, 4] of [1, 1, 2, 2]")) {
      try Tensor.zeros([1, 1, 2, 2]).maxPool2D(Pooling2D(kernel: 5, padding: 1))
    }
    #expect(throws: TensorError("maxPool2d", "needs a padding from 0 to half the kernel (1) but got 2")) {
      try Tensor.zeros([1, 1, 8, 8]).maxPool2D(Pooling2D(kernel: 3, padding: 2))
    }
    #expect(throws: TensorError("maxPool2d", "needs a positive stride but got 0")) {
      try Tensor.zeros([1, 1, 8, 8]).maxPool2D(Pooling2D(kernel: 2, stride: 0))
    }
    #expect(throws: TensorError("maxPool2d", "needs a positive kernel but got 0")) {
      try Tensor.zeros([1, 1, 8, 8]).maxPool2D(Pooling2D(kernel: 0))
    }
    let outputGradient = try Tensor.zeros([1, 1, 2, 2])
    #expect(
      throws: TensorError("maxPool2dGradient", "needs one index per output gradient element but got 3 for [1, 1, 2, 2]")
    ) {
      try Tensor.maxPool2DGradient(outputGradient, indices: [0, 1, 2], inputShape: [1, 1, 4, 4])
    }
    #expect(throws: TensorError("maxPool2dGradient", "index 16 is out of range for input [1, 1, 4, 4]")) {
      try Tensor.maxPool2DGradient(outputGradient, indices: [0, 1, 2, 16], inputShape: [1, 1, 4, 4])
    }
    #expect(
      throws: TensorError(
        "maxPool2dGradient", "output gradient and input differ in batch or channels: [1, 1, 2, 2] and [1, 2, 4, 4]")
    ) {
      try Tensor.maxPool2DGradient(outputGradient, indices: [0, 1, 2, 3], inputShape: [1, 2, 4, 4])
    }
  }

  @Test("the stride defaults to the kernel and the padding to zero")
  func defaults() {
    #expect(Pooling2D(kernel: 3) == Pooling2D(kernel: 3, stride: 3, padding: 0))
  }
}

@Suite("Average pooling")
struct AveragePoolingTests {
  @Test("means match the direct definition, padding counted as zeros", arguments: PoolingCase.all)
  func forward(_ sizes: PoolingCase) throws {
    var generator = RandomGenerator(seed: sizes.seed)
    let input = try Tensor.normal(sizes.inputShape, generator: &generator)
    let output = try input.averagePool2D(sizes.pooling)
    #expect(output.shape == sizes.outputShape)
    NumericCheck.expectClose(output.scalars, DirectPooling.average(sizes, input.scalars), tolerance: 1e-6, "means")
  }

  @Test("the gradient equals the direct adjoint and finite differences", arguments: PoolingCase.all)
  func gradient(_ sizes: PoolingCase) throws {
    var generator = RandomGenerator(seed: sizes.seed &+ 1)
    let input = try Tensor.normal(sizes.inputShape, generator: &generator)
    let outputGradient = try Tensor.normal(sizes.outputShape, generator: &generator)
    let gradient = try Tensor.averagePool2DGradient(outputGradient, inputShape: sizes.inputShape, sizes.pooling)
    #expect(gradient.shape == sizes.inputShape)
    NumericCheck.expectClose(
      gradient.scalars, DirectPooling.averageGradient(sizes, outputGradient.scalars), tolerance: 1e-6, "adjoint")
    let coordinates = NumericCheck.coordinates(30, below: input.count, generator: &generator)
    let differences = try NumericCheck.centralDifferences(input, at: coordinates, step: 1e-2) {
      NumericCheck.dot(outputGradient, try $0.averagePool2D(sizes.pooling))
    }
    NumericCheck.expectClose(coordinates.map { gradient.scalars[$0] }, differences, tolerance: 1e-3, "differences")
  }

  @Test("a padded window divides by the whole kernel (count_include_pad)")
  func countsPadding() throws {
    let output = try Tensor.ones([1, 1, 2, 2]).averagePool2D(Pooling2D(kernel: 2, stride: 1, padding: 1))
    #expect(output.shape == [1, 1, 3, 3])
    #expect(output.scalars == [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25])
  }

  @Test("bad shapes and windows are named")
  func errors() throws {
    #expect(throws: TensorError("avgPool2d", "needs a padding from 0 to half the kernel (1) but got 2")) {
      try Tensor.zeros([1, 1, 8, 8]).averagePool2D(Pooling2D(kernel: 2, padding: 2))
    }
    #expect(
      throws: TensorError(
        "avgPool2dGradient",
        "output gradient differs from the pooling's output shape: [1, 1, 3, 3] and [1, 1, 4, 4]")
    ) {
      try Tensor.averagePool2DGradient(Tensor.zeros([1, 1, 3, 3]), inputShape: [1, 1, 8, 8], Pooling2D(kernel: 2))
    }
  }
}

@Suite("Adaptive average pooling")
struct AdaptivePoolingTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var input: [Int]
    var outputHeight: Int
    var outputWidth: Int
    var testDescription: String { "\(Tensor.describe(input)) to \(outputHeight)×\(outputWidth)" }
  }

  static let cases: [Case] = [
    Case(input: [2, 3, 7, 5], outputHeight: 3, outputWidth: 2),
    Case(input: [1, 2, 5, 7], outputHeight: 2, outputWidth: 3),
    Case(input: [1, 1, 4, 4], outputHeight: 4, outputWidth: 4),
    Case(input: [2, 1, 3, 4], outputHeight: 5, outputWidth: 6),
    Case(input: [1, 2, 6, 9], outputHeight: 1, outputWidth: 1),
    Case(input: [1, 1, 8, 1], outputHeight: 3, outputWidth: 1),
  ]

  @Test("bins of 7 → 3 and 5 → 2 overlap by a row, as in PyTorch")
  func nonDivisibleBins() throws {
    #expect((0..<3).map { AdaptiveBins(input: 7, output: 3)[$0] } == [0..<3, 2..<5, 4..<7])
    #expect((0..<2).map { AdaptiveBins(input: 5, output: 2)[$0] } == [0..<3, 2..<5])
    // value = 10·row + column, so each mean is 10·(mean row) + (mean column).
    let input = try Tensor(
      shape: [1, 1, 7, 5], values: (0..<7).flatMap { row in (0..<5).map { Float(10 * row + $0) } })
    let output = try input.adaptiveAveragePool2D(outputHeight: 3, outputWidth: 2)
    #expect(output.shape == [1, 1, 3, 2])
    #expect(output.scalars == [11, 13, 31, 33, 51, 53])
  }

  @Test("means and gradients match the direct definition", arguments: AdaptivePoolingTests.cases)
  func direct(_ sizes: Case) throws {
    let (shape, outputHeight, outputWidth) = (sizes.input, sizes.outputHeight, sizes.outputWidth)
    var generator = RandomGenerator(seed: UInt64(shape.reduce(outputHeight * 10 + outputWidth, *)))
    let input = try Tensor.normal(shape, generator: &generator)
    let output = try input.adaptiveAveragePool2D(outputHeight: outputHeight, outputWidth: outputWidth)
    #expect(output.shape == [shape[0], shape[1], outputHeight, outputWidth])
    NumericCheck.expectClose(
      output.scalars, DirectPooling.adaptive(input, outputHeight, outputWidth), tolerance: 1e-6, "means")
    let outputGradient = try Tensor.normal(output.shape, generator: &generator)
    let gradient = try Tensor.adaptiveAveragePool2DGradient(outputGradient, inputShape: shape)
    #expect(gradient.shape == shape)
    NumericCheck.expectClose(
      gradient.scalars, DirectPooling.adaptiveGradient(outputGradient, inputShape: shape), tolerance: 1e-6, "adjoint")
    let coordinates = NumericCheck.coordinates(30, below: input.count, generator: &generator)
    let differences = try NumericCheck.centralDifferences(input, at: coordinates, step: 1e-2) {
      NumericCheck.dot(
        outputGradient, try $0.adaptiveAveragePool2D(outputHeight: outputHeight, outputWidth: outputWidth))
    }
    NumericCheck.expectClose(coordinates.map { gradient.scalars[$0] }, differences, tolerance: 1e-3, "differences")
  }

  @Test("a 1×1 output is the spatial mean of each plane")
  func globalMean() throws {
    var generator = RandomGenerator(seed: 9)
    let input = try Tensor.normal([3, 4, 5, 6], generator: &generator)
    let output = try input.adaptiveAveragePool2D(outputHeight: 1, outputWidth: 1)
    #expect(output.shape == [3, 4, 1, 1])
    let means = try input.reshaped([12, 30]).sum(alongAxis: 1) / Tensor(30)
    NumericCheck.expectClose(output.scalars, means.scalars.map(Double.init), tolerance: 1e-6, "means")
  }

  @Test("bad shapes and sizes are named")
  func errors() throws {
    #expect(throws: TensorError("adaptiveAvgPool2d", "needs an output of at least 1 by 1 but got [0, 2]")) {
      try Tensor.zeros([1, 1, 4, 4]).adaptiveAveragePool2D(outputHeight: 0, outputWidth: 2)
    }
    #expect(throws: TensorError("adaptiveAvgPool2d", "expects input of shape [N, C, H, W] but got [4, 4]")) {
      try Tensor.zeros([4, 4]).adaptiveAveragePool2D(outputHeight: 2, outputWidth: 2)
    }
    #expect(throws: TensorError("adaptiveAvgPool2d", "needs an input of at least 1 by 1 but got [1, 1, 0, 4]")) {
      try Tensor.zeros([1, 1, 0, 4]).adaptiveAveragePool2D(outputHeight: 2, outputWidth: 2)
    }
    #expect(
      throws: TensorError(
        "adaptiveAvgPool2dGradient",
        "output gradient and input differ in batch or channels: [2, 1, 2, 2] and [1, 1, 4, 4]")
    ) {
      try Tensor.adaptiveAveragePool2DGradient(Tensor.zeros([2, 1, 2, 2]), inputShape: [1, 1, 4, 4])
    }
  }
}
