import TensorCore

// The differentiable convolution and pooling primitives. Each forward and each gradient is one
// TensorCore kernel; the rules only route them (and skip a gradient nobody needs).

extension Variable {
  /// 2-D cross-correlation of `[N, C, H, W]` with `weight` `[O, C, KH, KW]` plus `bias` `[O]`
  /// (PyTorch's `F.conv2d` without groups or dilation): output `[N, O, H′, W′]` with
  /// H′ = ⌊(H + 2·padding − KH) / stride⌋ + 1.
  ///
  /// - Throws: `TensorError` when the shapes do not fit together or the kernel is larger than
  ///   the padded input.
  public func convolution2D(
    weight: Variable, bias: Variable?, _ geometry: Convolution2D
  ) throws(TensorError) -> Variable {
    let (input, kernel) = (value, weight.value)
    let output = try Tensor.convolution2D(input, weight: kernel, bias: bias?.value, geometry)
    let (needsInput, needsWeight) = (requiresGrad, weight.requiresGrad)
    let needsBias = bias?.requiresGrad
    let inputs = [self, weight] + (bias.map { [$0] } ?? [])
    return Self.result("conv2d", output, inputs) { gradient throws(TensorError) in
      var gradients = [
        needsInput
          ? try Tensor.convolution2DInputGradient(gradient, weight: kernel, inputShape: input.shape, geometry) : nil,
        needsWeight
          ? try Tensor.convolution2DWeightGradient(gradient, input: input, weightShape: kernel.shape, geometry) : nil,
      ]
      if let needsBias { gradients.append(needsBias ? try Tensor.convolution2DBiasGradient(gradient) : nil) }
      return gradients
    }
  }

  /// Max pooling of `[N, C, H, W]` over `kernel × kernel` windows (padding never wins). The
  /// gradient goes to the first maximum of each window, as in PyTorch.
  public func maxPool2D(_ pooling: Pooling2D) throws(TensorError) -> Variable {
    let inputShape = shape
    let (output, indices) = try value.maxPool2D(pooling)
    return Self.result("maxPool2d", output, [self]) { gradient throws(TensorError) in
      [try Tensor.maxPool2DGradient(gradient, indices: indices, inputShape: inputShape)]
    }
  }

  /// Average pooling of `[N, C, H, W]`; padded zeros count in the divisor (kernel²), as
  /// PyTorch's default `count_include_pad=True`.
  public func averagePool2D(_ pooling: Pooling2D) throws(TensorError) -> Variable {
    let inputShape = shape
    return Self.result("avgPool2d", try value.averagePool2D(pooling), [self]) { gradient throws(TensorError) in
      [try Tensor.averagePool2DGradient(gradient, inputShape: inputShape, pooling)]
    }
  }

  /// Adaptive average pooling of `[N, C, H, W]` to `[N, C, outputHeight, outputWidth]`; output
  /// cell `i` averages input rows ⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉ (and columns likewise).
  public func adaptiveAveragePool2D(outputHeight: Int, outputWidth: Int) throws(TensorError) -> Variable {
    let inputShape = shape
    let output = try value.adaptiveAveragePool2D(outputHeight: outputHeight, outputWidth: outputWidth)
    return Self.result("adaptiveAvgPool2d", output, [self]) { gradient throws(TensorError) in
      [try Tensor.adaptiveAveragePool2DGradient(gradient, inputShape: inputShape)]
    }
  }
}
