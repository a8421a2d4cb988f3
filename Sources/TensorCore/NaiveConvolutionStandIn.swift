// ╔══════════════════════════════════════════════════════════════════════════════════════════╗
// ║ STAND-IN — DELETE WHEN THE REAL CONVOLUTION KERNELS LAND.                                 ║
// ║ A slow, loop-by-loop implementation of the convolution and pooling API that TensorCore    ║
// ║ will provide, so `NN` and `Autodiff` can be written and tested against it meanwhile.      ║
// ║ Correctness only: no BLAS, no im2col, nothing tuned. Nothing else may depend on its        ║
// ║ internals or on its error texts.                                                          ║
// ╚══════════════════════════════════════════════════════════════════════════════════════════╝

/// Stride and zero padding of a 2-D convolution (the kernel size comes from the weight).
public struct Convolution2D: Sendable, Equatable {
  public var stride: Int
  public var padding: Int

  public init(stride: Int = 1, padding: Int = 0) {
    self.stride = stride
    self.padding = padding
  }
}

/// Window, stride and padding of a 2-D pooling; the stride defaults to the window, as PyTorch's.
public struct Pooling2D: Sendable, Equatable {
  public var kernel: Int
  public var stride: Int
  public var padding: Int

  public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
    self.kernel = kernel
    self.stride = stride ?? kernel
    self.padding = padding
  }
}

extension Tensor {
  /// Cross-correlation of `input` `[N, C, H, W]` with `weight` `[O, C, KH, KW]` plus `bias` `[O]`.
  public static func convolution2D(
    _ input: Tensor, weight: Tensor, bias: Tensor?, _ geometry: Convolution2D
  ) throws(TensorError) -> Tensor {
    let plan = try StandInConvolutionPlan(input.shape, weight.shape, geometry)
    if let bias, bias.shape != [plan.outputChannels] {
      throw TensorError("conv2d", "bias \(describe(bias.shape)) needs shape [\(plan.outputChannels)]")
    }
    var output = try Tensor.zeros(plan.outputShape)
    let (x, w) = (input.storage.base, weight.storage.base)
    let b = bias?.storage.base
    output.withUnsafeMutableBufferPointer { out in
      plan.forEachTap { outputIndex, inputIndex, weightIndex in out[outputIndex] += x[inputIndex] * w[weightIndex] }
      if let b {
        let plane = plan.outputHeight * plan.outputWidth
        for index in 0..<out.count { out[index] += b[(index / plane) % plan.outputChannels] }
      }
    }
    return output
  }

  /// The gradient of `convolution2D` with respect to its input.
  public static func convolution2DInputGradient(
    _ outputGradient: Tensor, weight: Tensor, inputShape: [Int], _ geometry: Convolution2D
  ) throws(TensorError) -> Tensor {
    let plan = try StandInConvolutionPlan(inputShape, weight.shape, geometry)
    guard outputGradient.shape == plan.outputShape else {
      throw .shapes("conv2d input gradient", outputGradient.shape, plan.outputShape, "gradient shape differs")
    }
    var result = try Tensor.zeros(inputShape)
    let (g, w) = (outputGradient.storage.base, weight.storage.base)
    result.withUnsafeMutableBufferPointer { out in
      plan.forEachTap { outputIndex, inputIndex, weightIndex in out[inputIndex] += g[outputIndex] * w[weightIndex] }
    }
    return result
  }

  /// The gradient of `convolution2D` with respect to its weight.
  public static func convolution2DWeightGradient(
    _ outputGradient: Tensor, input: Tensor, weightShape: [Int], _ geometry: Convolution2D
  ) throws(TensorError) -> Tensor {
    let plan = try StandInConvolutionPlan(input.shape, weightShape, geometry)
    guard outputGradient.shape == plan.outputShape else {
      throw .shapes("conv2d weight gradient", outputGradient.shape, plan.outputShape, "gradient shape differs")
    }
    var result = try Tensor.zeros(weightShape)
    let (g, x) = (outputGradient.storage.base, input.storage.base)
    result.withUnsafeMutableBufferPointer { out in
      plan.forEachTap { outputIndex, inputIndex, weightIndex in out[weightIndex] += g[outputIndex] * x[inputIndex] }
    }
    return result
  }

  /// The gradient of `convolution2D` with respect to its bias: the output gradient summed over
  /// batch and positions.
  public static func convolution2DBiasGradient(_ outputGradient: Tensor) throws(TensorError) -> Tensor {
    guard outputGradient.rank == 4 else {
      throw TensorError("conv2d bias gradient", "needs [N, O, H, W] but got \(describe(outputGradient.shape))")
    }
    let (batch, channels) = (outputGradient.shape[0], outputGradient.shape[1])
    let plane = outputGradient.shape[2] * outputGradient.shape[3]
    var result = try Tensor.zeros([channels])
    let g = outputGradient.storage.base
    result.withUnsafeMutableBufferPointer { out in
      for n in 0..<batch {
        for channel in 0..<channels {
          for position in 0..<plane { out[channel] += g[(n * channels + channel) * plane + position] }
        }
      }
    }
    return result
  }

  /// Max pooling; padded positions never win (as if they held −∞). `indices` holds, for every
  /// output element, the position `h·W + w` of its maximum inside its input plane.
  public func maxPool2D(_ pooling: Pooling2D) throws(TensorError) -> (output: Tensor, indices: [Int32]) {
    let plan = try StandInPoolingPlan("maxPool2d", shape, pooling)
    var output = try Tensor.zeros(plan.outputShape)
    var indices = [Int32](repeating: 0, count: output.count)
    let x = storage.base
    output.withUnsafeMutableBufferPointer { out in
      plan.forEachWindow { outputIndex, planeStart, window in
        var best = -Float.infinity
        var bestIndex = window.first ?? 0
        for index in window where x[planeStart + index] > best || x[planeStart + index].isNaN {
          best = x[planeStart + index]
          bestIndex = index
          if best.isNaN { break }
        }
        out[outputIndex] = best
        indices[outputIndex] = Int32(bestIndex)
      }
    }
    return (output, indices)
  }

  /// The gradient of `maxPool2D`: each output gradient goes to the position of its maximum.
  public static func maxPool2DGradient(
    _ outputGradient: Tensor, indices: [Int32], inputShape: [Int]
  ) throws(TensorError) -> Tensor {
    guard inputShape.count == 4, outputGradient.rank == 4, indices.count == outputGradient.count,
      Array(inputShape.prefix(2)) == Array(outputGradient.shape.prefix(2))
    else {
      throw .shapes("maxPool2d gradient", outputGradient.shape, inputShape, "gradient does not fit the input")
    }
    var result = try Tensor.zeros(inputShape)
    let plane = inputShape[2] * inputShape[3]
    let outputPlane = outputGradient.shape[2] * outputGradient.shape[3]
    let g = outputGradient.storage.base
    result.withUnsafeMutableBufferPointer { out in
      for index in 0..<indices.count { out[(index / outputPlane) * plane + Int(indices[index])] += g[index] }
    }
    return result
  }

  /// Average pooling; padded positions count as zeros in the divisor (PyTorch's
  /// `count_include_pad=True`), so every window divides by kernel².
  public func averagePool2D(_ pooling: Pooling2D) throws(TensorError) -> Tensor {
    let plan = try StandInPoolingPlan("avgPool2d", shape, pooling)
    var output = try Tensor.zeros(plan.outputShape)
    let x = storage.base
    let divisor = Float(pooling.kernel * pooling.kernel)
    output.withUnsafeMutableBufferPointer { out in
      plan.forEachWindow { outputIndex, planeStart, window in
        var total: Float = 0
        for index in window { total += x[planeStart + index] }
        out[outputIndex] = total / divisor
      }
    }
    return output
  }

  /// The gradient of `averagePool2D`.
  public static func averagePool2DGradient(
    _ outputGradient: Tensor, inputShape: [Int], _ pooling: Pooling2D
  ) throws(TensorError) -> Tensor {
    let plan = try StandInPoolingPlan("avgPool2d gradient", inputShape, pooling)
    guard outputGradient.shape == plan.outputShape else {
      throw .shapes("avgPool2d gradient", outputGradient.shape, plan.outputShape, "gradient shape differs")
    }
    var result = try Tensor.zeros(inputShape)
    let g = outputGradient.storage.base
    let divisor = Float(pooling.kernel * pooling.kernel)
    result.withUnsafeMutableBufferPointer { out in
      plan.forEachWindow { outputIndex, planeStart, window in
        for index in window { out[planeStart + index] += g[outputIndex] / divisor }
      }
    }
    return result
  }

  /// Adaptive average pooling to `outputHeight × outputWidth`: output cell `i` averages input
  /// rows ⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉ (and likewise for columns), as PyTorch.
  public func adaptiveAveragePool2D(outputHeight: Int, outputWidth: Int) throws(TensorError) -> Tensor {
    guard rank == 4, outputHeight > 0, outputWidth > 0 else {
      throw TensorError(
        "adaptiveAvgPool2d", "needs [N, C, H, W] and a positive output size but got \(Self.describe(shape))")
    }
    var output = try Tensor.zeros([shape[0], shape[1], outputHeight, outputWidth])
    let x = storage.base
    let (height, width) = (shape[2], shape[3])
    output.withUnsafeMutableBufferPointer { out in
      Self.forEachAdaptiveWindow(inputShape: shape, outputHeight, outputWidth) {
        outputIndex, planeIndex, rows, columns in
        var total: Float = 0
        for row in rows {
          for column in columns { total += x[(planeIndex * height + row) * width + column] }
        }
        out[outputIndex] = total / Float(rows.count * columns.count)
      }
    }
    return output
  }

  /// The gradient of `adaptiveAveragePool2D` (the output size is the gradient's).
  public static func adaptiveAveragePool2DGradient(
    _ outputGradient: Tensor, inputShape: [Int]
  ) throws(TensorError) -> Tensor {
    guard inputShape.count == 4, outputGradient.rank == 4,
      Array(inputShape.prefix(2)) == Array(outputGradient.shape.prefix(2))
    else {
      throw .shapes("adaptiveAvgPool2d gradient", outputGradient.shape, inputShape, "gradient does not fit the input")
    }
    var result = try Tensor.zeros(inputShape)
    let g = outputGradient.storage.base
    let (height, width) = (inputShape[2], inputShape[3])
    result.withUnsafeMutableBufferPointer { out in
      forEachAdaptiveWindow(inputShape: inputShape, outputGradient.shape[2], outputGradient.shape[3]) {
        outputIndex, planeIndex, rows, columns in
        let share = g[outputIndex] / Float(rows.count * columns.count)
        for row in rows {
          for column in columns { out[(planeIndex * height + row) * width + column] += share }
        }
      }
    }
    return result
  }

  private static func forEachAdaptiveWindow(
    inputShape: [Int], _ outputHeight: Int, _ outputWidth: Int,
    _ body: (_ outputIndex: Int, _ planeIndex: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void
  ) {
    let (height, width) = (inputShape[2], inputShape[3])
    var outputIndex = 0
    for planeIndex in 0..<(inputShape[0] * inputShape[1]) {
      for i in 0..<outputHeight {
        let rows = (i * height / outputHeight)..<(((i + 1) * height + outputHeight - 1) / outputHeight)
        for j in 0..<outputWidth {
          let columns = (j * width / outputWidth)..<(((j + 1) * width + outputWidth - 1) / outputWidth)
          body(outputIndex, planeIndex, rows, columns)
          outputIndex += 1
        }
      }
    }
  }
}

/// The loop nest of a naive convolution (stand-in only).
private struct StandInConvolutionPlan {
  let batch: Int, channels: Int, height: Int, width: Int
  let outputChannels: Int, kernelHeight: Int, kernelWidth: Int
  let stride: Int, padding: Int
  let outputHeight: Int, outputWidth: Int

  var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }

  init(_ input: [Int], _ weight: [Int], _ geometry: Convolution2D) throws(TensorError) {
    guard input.count == 4, weight.count == 4, input[1] == weight[1] else {
      throw .shapes("conv2d", input, weight, "needs input [N, C, H, W] and weight [O, C, KH, KW]")
    }
    guard geometry.stride >= 1, geometry.padding >= 0 else {
      throw TensorError("conv2d", "needs stride ≥ 1 and padding ≥ 0")
    }
    (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
    (outputChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
    (stride, padding) = (geometry.stride, geometry.padding)
    guard height + 2 * padding >= kernelHeight, width + 2 * padding >= kernelWidth else {
      throw .shapes("conv2d", input, weight, "kernel is larger than the padded input")
    }
    outputHeight = (height + 2 * padding - kernelHeight) / stride + 1
    outputWidth = (width + 2 * padding - kernelWidth) / stride + 1
  }

  /// Calls `body` with the flat output, input and weight indices of every multiply.
  func forEachTap(_ body: (Int, Int, Int) -> Void) {
    for n in 0..<batch {
      for o in 0..<outputChannels {
        for y in 0..<outputHeight {
          for x in 0..<outputWidth {
            let outputIndex = ((n * outputChannels + o) * outputHeight + y) * outputWidth + x
            for c in 0..<channels {
              for ky in 0..<kernelHeight {
                let row = y * stride - padding + ky
                guard row >= 0, row < height else { continue }
                for kx in 0..<kernelWidth {
                  let column = x * stride - padding + kx
                  guard column >= 0, column < width else { continue }
                  body(
                    outputIndex, ((n * channels + c) * height + row) * width + column,
                    ((o * channels + c) * kernelHeight + ky) * kernelWidth + kx)
                }
              }
            }
          }
        }
      }
    }
  }
}

/// The windows of a naive pooling (stand-in only).
private struct StandInPoolingPlan {
  let planes: Int, height: Int, width: Int
  let pooling: Pooling2D
  let outputHeight: Int, outputWidth: Int
  let outputShape: [Int]

  init(_ operation: String, _ input: [Int], _ pooling: Pooling2D) throws(TensorError) {
    guard input.count == 4 else { throw TensorError(operation, "needs [N, C, H, W] but got \(Tensor.describe(input))") }
    guard pooling.kernel >= 1, pooling.stride >= 1, pooling.padding >= 0, pooling.padding <= pooling.kernel / 2 else {
      throw TensorError(operation, "needs kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel / 2")
    }
    guard input[2] + 2 * pooling.padding >= pooling.kernel, input[3] + 2 * pooling.padding >= pooling.kernel else {
      throw TensorError(operation, "kernel \(pooling.kernel) is larger than the padded input \(Tensor.describe(input))")
    }
    (planes, height, width) = (input[0] * input[1], input[2], input[3])
    self.pooling = pooling
    outputHeight = (height + 2 * pooling.padding - pooling.kernel) / pooling.stride + 1
    outputWidth = (width + 2 * pooling.padding - pooling.kernel) / pooling.stride + 1
    outputShape = [input[0], input[1], outputHeight, outputWidth]
  }

  /// Calls `body` with each output index, the flat start of its input plane, and the in-plane
  /// positions `h·W + w` of its window that lie inside the input, row by row.
  func forEachWindow(_ body: (Int, Int, [Int]) -> Void) {
    var outputIndex = 0
    for plane in 0..<planes {
      for y in 0..<outputHeight {
        for x in 0..<outputWidth {
          var window: [Int] = []
          for ky in 0..<pooling.kernel {
            let row = y * pooling.stride - pooling.padding + ky
            guard row >= 0, row < height else { continue }
            for kx in 0..<pooling.kernel {
              let column = x * pooling.stride - pooling.padding + kx
              if column >= 0, column < width { window.append(row * width + column) }
            }
          }
          body(outputIndex, plane * height * width, window)
          outputIndex += 1
        }
      }
    }
  }
}
