/// The window of a 2-D max or average pooling: a square `kernel`, the step between windows and
/// the padding on every side, the same along height and width (PyTorch's integer
/// `kernel_size`, `stride` and `padding`).
///
/// An output side is `⌊(side + 2 × padding − kernel) / stride⌋ + 1` (PyTorch's default
/// `ceil_mode = false`). As in PyTorch, the padding may be at most half the kernel, so every
/// window overlaps the input.
public struct Pooling2D: Sendable, Equatable {
  /// The window's side, at least 1.
  public var kernel: Int
  /// The step between windows, at least 1.
  public var stride: Int
  /// The padding before and after each spatial dimension, from 0 to `kernel / 2`.
  public var padding: Int

  /// A pooling window; the stride defaults to the kernel, so windows tile the input without
  /// overlapping.
  public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
    self.kernel = kernel
    self.stride = stride ?? kernel
    self.padding = padding
  }
}

extension Tensor {
  /// The largest value of each pooling window, per image and channel: PyTorch's
  /// `F.max_pool2d(..., return_indices=True)` with integer sizes.
  ///
  /// Padding reads as −∞, so it never wins. On ties the first position in row-major order wins;
  /// a NaN wins over any number and the last NaN of a window over earlier ones (PyTorch's CPU
  /// rule), so NaNs propagate.
  ///
  /// - Parameter pooling: the window, stride and padding.
  /// - Returns: the output `[N, C, HO, WO]` and, per output element, the row-major index of the
  ///   chosen element in the whole input (not within its plane, as PyTorch's indices are), for
  ///   `maxPool2DGradient`.
  /// - Throws: `TensorError` ("maxPool2d") when the input is not `[N, C, H, W]`, the window
  ///   does not fit in the padded input, a size is out of range, or the input has more than
  ///   2³¹ elements (the indices are Int32).
  public func maxPool2D(_ pooling: Pooling2D) throws(TensorError) -> (output: Tensor, indices: [Int32]) {
    let layout = try PoolingLayout("maxPool2d", input: shape, pooling)
    guard count <= Int(Int32.max) + 1 else {
      throw TensorError("maxPool2d", "input \(Self.describe(shape)) has too many elements for Int32 indices")
    }
    let result = TensorStorage(count: layout.outputCount)
    let source = UnsafePointer(storage.base)
    let output = result.base
    let (height, width) = (layout.height, layout.width)
    let (outputHeight, outputWidth) = (layout.outputHeight, layout.outputWidth)
    let indices = [Int32](unsafeUninitializedCapacity: layout.outputCount) { buffer, initialized in
      guard let chosen = buffer.baseAddress else { return }
      // Planes are independent: each share of the engine's threads pools its own.
      ImageParallel.forEachShare(of: layout.planes) { _, planes in
        for plane in planes {
          let planeStart = plane * height * width
          let outputStart = plane * outputHeight * outputWidth
          if layout.isHalving {
            layout.maxPoolHalving(
              source + planeStart, output + outputStart, chosen + outputStart, planeStart: Int32(planeStart))
            continue
          }
          let input = source + planeStart
          for i in 0..<outputHeight {
            let rows = layout.window(i, side: height)
            for j in 0..<outputWidth {
              let columns = layout.window(j, side: width)
              // Ordered values take selects the compiler turns into maxss and cmov; a condition
              // with `isNaN` in it compiled to branches that random data mispredicts (2.4 times
              // slower). Windows holding a NaN, rare, take PyTorch's rule again below.
              var best = -Float.infinity
              var bestIndex = rows.lowerBound * width + columns.lowerBound
              var unordered = false
              for row in rows {
                for column in columns {
                  let index = row &* width &+ column
                  let value = input[index]
                  let wins = value > best
                  bestIndex = wins ? index : bestIndex
                  best = wins ? value : best
                  unordered = unordered || value != value
                }
              }
              if unordered {
                (best, bestIndex) = PoolingLayout.lastNaN(input, width: width, rows: rows, columns: columns)
              }
              let position = outputStart + i * outputWidth + j
              output[position] = best
              chosen[position] = Int32(truncatingIfNeeded: planeStart + bestIndex)
            }
          }
        }
      }
      initialized = layout.outputCount
    }
    return (Tensor(shape: layout.outputShape, storage: result), indices)
  }

  /// The gradient of a loss with respect to a max pooling's input: each output gradient goes to
  /// the input element its window chose, and gradients of overlapping windows add up.
  ///
  /// - Parameters:
  ///   - outputGradient: `[N, C, HO, WO]`, the shape `maxPool2D` returned.
  ///   - indices: the indices `maxPool2D` returned with it.
  ///   - inputShape: `[N, C, H, W]`, the pooled input's shape.
  /// - Returns: `[N, C, H, W]`, zero where no window chose an element.
  /// - Throws: `TensorError` ("maxPool2dGradient") when the shapes disagree or an index is out
  ///   of range.
  public static func maxPool2DGradient(
    _ outputGradient: Tensor, indices: [Int32], inputShape: [Int]
  ) throws(TensorError) -> Tensor {
    let operation = "maxPool2dGradient"
    try checkPoolingGradient(operation, outputGradient.shape, inputShape)
    guard indices.count == outputGradient.count else {
      throw TensorError(
        operation,
        "needs one index per output gradient element but got \(indices.count) for \(describe(outputGradient.shape))")
    }
    let inputCount = try elementCount(operation, inputShape)
    let result = TensorStorage(repeating: 0, count: inputCount)
    let gradient = UnsafePointer(outputGradient.storage.base)
    let destination = result.base
    for (position, raw) in indices.enumerated() {
      let index = Int(raw)
      guard index >= 0, index < inputCount else {
        throw TensorError(operation, "index \(index) is out of range for input \(describe(inputShape))")
      }
      destination[index] += gradient[position]
    }
    return Tensor(shape: inputShape, storage: result)
  }

  /// The mean of each pooling window, per image and channel: PyTorch's `F.avg_pool2d` with its
  /// defaults `count_include_pad = true` and `ceil_mode = false`, so every window divides by
  /// `kernel²`, padding zeros included.
  ///
  /// - Parameter pooling: the window, stride and padding.
  /// - Returns: `[N, C, HO, WO]`.
  /// - Throws: `TensorError` ("avgPool2d") when the input is not `[N, C, H, W]`, the window
  ///   does not fit in the padded input, or a size is out of range.
  public func averagePool2D(_ pooling: Pooling2D) throws(TensorError) -> Tensor {
    let layout = try PoolingLayout("avgPool2d", input: shape, pooling)
    let result = TensorStorage(count: layout.outputCount)
    let source = UnsafePointer(storage.base)
    let output = result.base
    let (height, width) = (layout.height, layout.width)
    let scale = 1 / Float(layout.kernel * layout.kernel)
    var position = 0
    for plane in 0..<layout.planes {
      let input = source + plane * height * width
      for i in 0..<layout.outputHeight {
        let rows = layout.window(i, side: height)
        for j in 0..<layout.outputWidth {
          let columns = layout.window(j, side: width)
          var total: Float = 0
          for row in rows {
            for column in columns { total += input[row * width + column] }
          }
          output[position] = total * scale
          position += 1
        }
      }
    }
    return Tensor(shape: layout.outputShape, storage: result)
  }

  /// The gradient of a loss with respect to an average pooling's input: each output gradient,
  /// divided by `kernel²`, is added to every input element of its window (the share of the
  /// padding is dropped).
  ///
  /// - Parameters:
  ///   - outputGradient: `[N, C, HO, WO]`, the shape `averagePool2D` returned.
  ///   - inputShape: `[N, C, H, W]`, the pooled input's shape.
  ///   - pooling: the forward window, stride and padding.
  /// - Returns: `[N, C, H, W]`.
  /// - Throws: `TensorError` ("avgPool2dGradient") when the shapes do not describe one pooling.
  public static func averagePool2DGradient(
    _ outputGradient: Tensor, inputShape: [Int], _ pooling: Pooling2D
  ) throws(TensorError) -> Tensor {
    let operation = "avgPool2dGradient"
    let layout = try PoolingLayout(operation, input: inputShape, pooling)
    guard outputGradient.shape == layout.outputShape else {
      throw .shapes(
        operation, outputGradient.shape, layout.outputShape, "output gradient differs from the pooling's output shape")
    }
    let result = TensorStorage(repeating: 0, count: layout.inputCount)
    let gradient = UnsafePointer(outputGradient.storage.base)
    let (height, width) = (layout.height, layout.width)
    let scale = 1 / Float(layout.kernel * layout.kernel)
    var position = 0
    for plane in 0..<layout.planes {
      let destination = result.base + plane * height * width
      for i in 0..<layout.outputHeight {
        let rows = layout.window(i, side: height)
        for j in 0..<layout.outputWidth {
          let columns = layout.window(j, side: width)
          let share = gradient[position] * scale
          for row in rows {
            for column in columns { destination[row * width + column] += share }
          }
          position += 1
        }
      }
    }
    return Tensor(shape: inputShape, storage: result)
  }

  /// The mean over a grid of `outputHeight × outputWidth` bins covering each image, whatever
  /// its size: PyTorch's `F.adaptive_avg_pool2d`.
  ///
  /// Output row `i` averages input rows `⌊i·H / HO⌋ ..< ⌈(i + 1)·H / HO⌉` (likewise columns),
  /// so when `HO` does not divide `H` neighbouring bins overlap by a row and bins differ in
  /// size; an output larger than the input repeats rows. A 1×1 output is the spatial mean.
  ///
  /// - Parameters:
  ///   - outputHeight: the rows of the output, at least 1.
  ///   - outputWidth: the columns of the output, at least 1.
  /// - Returns: `[N, C, outputHeight, outputWidth]`.
  /// - Throws: `TensorError` ("adaptiveAvgPool2d") when the input is not `[N, C, H, W]` with
  ///   `H, W ≥ 1`, or an output size is below 1.
  public func adaptiveAveragePool2D(outputHeight: Int, outputWidth: Int) throws(TensorError) -> Tensor {
    let operation = "adaptiveAvgPool2d"
    try Self.checkAdaptiveInput(operation, shape)
    guard outputHeight >= 1, outputWidth >= 1 else {
      throw TensorError(
        operation, "needs an output of at least 1 by 1 but got \(Self.describe([outputHeight, outputWidth]))")
    }
    let outputShape = [shape[0], shape[1], outputHeight, outputWidth]
    let result = TensorStorage(count: try Self.elementCount(operation, outputShape))
    let rowBins = AdaptiveBins(input: shape[2], output: outputHeight)
    let columnBins = AdaptiveBins(input: shape[3], output: outputWidth)
    let source = UnsafePointer(storage.base)
    let output = result.base
    let (height, width) = (shape[2], shape[3])
    var position = 0
    for plane in 0..<(shape[0] * shape[1]) {
      let input = source + plane * height * width
      for i in 0..<outputHeight {
        let rows = rowBins[i]
        for j in 0..<outputWidth {
          let columns = columnBins[j]
          var total: Float = 0
          for row in rows {
            for column in columns { total += input[row * width + column] }
          }
          output[position] = total / Float(rows.count * columns.count)
          position += 1
        }
      }
    }
    return Tensor(shape: outputShape, storage: result)
  }

  /// The gradient of a loss with respect to an adaptive average pooling's input: each output
  /// gradient, divided by its bin's size, is added to every input element of the bin.
  ///
  /// - Parameters:
  ///   - outputGradient: `[N, C, HO, WO]`; its last two sizes are the pooling's output size.
  ///   - inputShape: `[N, C, H, W]`, the pooled input's shape.
  /// - Returns: `[N, C, H, W]`.
  /// - Throws: `TensorError` ("adaptiveAvgPool2dGradient") when the shapes disagree.
  public static func adaptiveAveragePool2DGradient(
    _ outputGradient: Tensor, inputShape: [Int]
  ) throws(TensorError) -> Tensor {
    let operation = "adaptiveAvgPool2dGradient"
    try checkAdaptiveInput(operation, inputShape)
    try checkPoolingGradient(operation, outputGradient.shape, inputShape)
    let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
    guard outputHeight >= 1, outputWidth >= 1 else {
      throw .shapes(operation, outputGradient.shape, inputShape, "output gradient has no spatial elements")
    }
    let result = TensorStorage(repeating: 0, count: try elementCount(operation, inputShape))
    let rowBins = AdaptiveBins(input: inputShape[2], output: outputHeight)
    let columnBins = AdaptiveBins(input: inputShape[3], output: outputWidth)
    let gradient = UnsafePointer(outputGradient.storage.base)
    let (height, width) = (inputShape[2], inputShape[3])
    var position = 0
    for plane in 0..<(inputShape[0] * inputShape[1]) {
      let destination = result.base + plane * height * width
      for i in 0..<outputHeight {
        let rows = rowBins[i]
        for j in 0..<outputWidth {
          let columns = columnBins[j]
          let share = gradient[position] / Float(rows.count * columns.count)
          for row in rows {
            for column in columns { destination[row * width + column] += share }
          }
          position += 1
        }
      }
    }
    return Tensor(shape: inputShape, storage: result)
  }

  /// Checks an input shape for adaptive pooling: `[N, C, H, W]` with non-empty planes, as
  /// PyTorch requires (an empty bin has no mean).
  private static func checkAdaptiveInput(_ operation: String, _ shape: [Int]) throws(TensorError) {
    guard shape.count == 4 else {
      throw TensorError(operation, "expects input of shape [N, C, H, W] but got \(describe(shape))")
    }
    _ = try elementCount(operation, shape)
    guard shape[2] >= 1, shape[3] >= 1 else {
      throw TensorError(operation, "needs an input of at least 1 by 1 but got \(describe(shape))")
    }
  }

  /// Checks that an output gradient is 4-D with the input's batch and channels.
  private static func checkPoolingGradient(
    _ operation: String, _ outputGradient: [Int], _ inputShape: [Int]
  ) throws(TensorError) {
    guard inputShape.count == 4 else {
      throw TensorError(operation, "expects input of shape [N, C, H, W] but got \(describe(inputShape))")
    }
    guard outputGradient.count == 4, outputGradient[0] == inputShape[0], outputGradient[1] == inputShape[1] else {
      throw .shapes(operation, outputGradient, inputShape, "output gradient and input differ in batch or channels")
    }
  }
}

/// The sizes of one max or average pooling, checked once; the loops trust them.
struct PoolingLayout {
  let batch: Int
  let channels: Int
  let height: Int
  let width: Int
  let kernel: Int
  let stride: Int
  let padding: Int
  let outputHeight: Int
  let outputWidth: Int

  init(_ operation: String, input: [Int], _ pooling: Pooling2D) throws(TensorError) {
    guard input.count == 4 else {
      throw TensorError(operation, "expects input of shape [N, C, H, W] but got \(Tensor.describe(input))")
    }
    _ = try Tensor.elementCount(operation, input)
    guard pooling.kernel >= 1 else { throw TensorError(operation, "needs a positive kernel but got \(pooling.kernel)") }
    guard pooling.stride >= 1 else { throw TensorError(operation, "needs a positive stride but got \(pooling.stride)") }
    guard pooling.padding >= 0, pooling.padding <= pooling.kernel / 2 else {
      throw TensorError(
        operation, "needs a padding from 0 to half the kernel (\(pooling.kernel / 2)) but got \(pooling.padding)")
    }
    let paddedHeight = input[2] + 2 * pooling.padding
    let paddedWidth = input[3] + 2 * pooling.padding
    guard pooling.kernel <= paddedHeight, pooling.kernel <= paddedWidth else {
      throw TensorError(
        operation,
        "kernel \(pooling.kernel) is larger than the padded input \(Tensor.describe([paddedHeight, paddedWidth])) "
          + "of \(Tensor.describe(input))")
    }
    batch = input[0]
    channels = input[1]
    height = input[2]
    width = input[3]
    kernel = pooling.kernel
    stride = pooling.stride
    padding = pooling.padding
    outputHeight = (paddedHeight - kernel) / stride + 1
    outputWidth = (paddedWidth - kernel) / stride + 1
    _ = try Tensor.elementCount(operation, outputShape)
  }

  var planes: Int { batch * channels }
  var inputCount: Int { planes * height * width }
  var outputCount: Int { planes * outputHeight * outputWidth }
  var outputShape: [Int] { [batch, channels, outputHeight, outputWidth] }

  /// The input rows (or columns) of window `index` along a side of `side` elements, clipped to
  /// the input; never empty, since the padding is at most half the kernel.
  @inline(__always)
  func window(_ index: Int, side: Int) -> Range<Int> {
    let start = index * stride - padding
    return Swift.max(start, 0)..<Swift.min(start + kernel, side)
  }
}

extension PoolingLayout {
  /// A 2×2 window with stride 2 and no padding, the usual CNN pooling: every window is whole,
  /// so `maxPoolHalving` reads its four values without range checks.
  var isHalving: Bool { kernel == 2 && stride == 2 && padding == 0 }

  /// Max pooling of one plane when `isHalving`, with the general loop's rules: the first
  /// maximum in row-major order, and windows holding a NaN take `lastNaN`. Measured on the cnn
  /// workload's two pools (one thread): 7.3 → 4.5 ms of CPU per step against the general loop,
  /// whose window ranges the compiler does not unroll.
  func maxPoolHalving(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ chosen: UnsafeMutablePointer<Int32>,
    planeStart: Int32
  ) {
    for i in 0..<outputHeight {
      let top = 2 * i * width
      for j in 0..<outputWidth {
        let first = top + 2 * j
        let (a, b, c, d) = (input[first], input[first + 1], input[first + width], input[first + width + 1])
        var best = a
        var bestIndex = first
        bestIndex = b > best ? first + 1 : bestIndex
        best = b > best ? b : best
        bestIndex = c > best ? first + width : bestIndex
        best = c > best ? c : best
        bestIndex = d > best ? first + width + 1 : bestIndex
        best = d > best ? d : best
        if a != a || b != b || c != c || d != d {
          (best, bestIndex) = Self.lastNaN(
            input, width: width, rows: 2 * i..<(2 * i + 2), columns: 2 * j..<(2 * j + 2))
        }
        output[i * outputWidth + j] = best
        chosen[i * outputWidth + j] = planeStart &+ Int32(truncatingIfNeeded: bestIndex)
      }
    }
  }

  /// PyTorch's CPU rule for a window holding a NaN (`val > maxval || isnan(val)`): the last NaN
  /// wins. Returns it and its index within the plane.
  static func lastNaN(
    _ input: UnsafePointer<Float>, width: Int, rows: Range<Int>, columns: Range<Int>
  ) -> (Float, Int) {
    var bestIndex = rows.lowerBound * width + columns.lowerBound
    for row in rows {
      for column in columns where input[row * width + column].isNaN { bestIndex = row * width + column }
    }
    return (input[bestIndex], bestIndex)
  }
}

/// PyTorch's adaptive pooling bins along one side: bin `i` of `output` covers
/// `⌊i·input / output⌋ ..< ⌈(i + 1)·input / output⌉`.
struct AdaptiveBins {
  let input: Int
  let output: Int

  subscript(index: Int) -> Range<Int> {
    (index * input / output)..<(((index + 1) * input + output - 1) / output)
  }
}
