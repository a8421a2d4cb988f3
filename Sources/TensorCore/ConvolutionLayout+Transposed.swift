extension ConvolutionLayout {
  /// The input gradient of a stride-1 convolution as a forward convolution of the output
  /// gradient: `dX[c, y, x] = Σ_o Σ_p Σ_q dY[o, y − pad′ + p, x − pad′ + q] · W[o, c, K−1−p, K−1−q]`
  /// with `pad′ = K − 1 − pad`, so the kernel, flipped in space and with its two channel axes
  /// swapped, slides over `dY` and gives exactly `[C, H, W]`.
  ///
  /// The general path multiplies `Wᵀ [C·K·K, O] × dY [O, HO·WO]` into a column matrix and adds
  /// it back into the image (col2im): with few output channels that is a large, thin product
  /// (depth 16 on ResNet's first stage) whose result OpenBLAS first clears and then writes,
  /// followed by a scattered sum. This path lowers `dY` with the forward's fast copies and
  /// writes only `[C, H·W]` per image. Nil when it does not apply: a stride above 1, a kernel
  /// that is not square, a padding of a whole kernel or more, or a pointwise convolution (whose
  /// input gradient is already one product).
  var transposedForInputGradient: ConvolutionLayout? {
    guard stride == 1, kernelHeight == kernelWidth, padding < kernelHeight, !isPointwise else { return nil }
    let layout = try? ConvolutionLayout(
      "conv2dInputGradient", input: [batch, outputChannels, outputHeight, outputWidth],
      weight: [channels, outputChannels, kernelHeight, kernelWidth],
      Convolution2D(stride: 1, padding: kernelHeight - 1 - padding))
    guard let layout, layout.outputHeight == height, layout.outputWidth == width else { return nil }
    return layout
  }

  /// `weight [O, C, K, K]` with its channel axes swapped and flipped in space: `[C, O, K, K]`,
  /// entry `[c, o, p, q] = weight[o, c, K−1−p, K−1−q]`.
  func flippedWeight(_ weight: UnsafePointer<Float>, into flipped: UnsafeMutablePointer<Float>) {
    let kernelArea = kernelHeight * kernelWidth
    for output in 0..<outputChannels {
      for channel in 0..<channels {
        let source = weight + (output * channels + channel) * kernelArea
        let destination = flipped + (channel * outputChannels + output) * kernelArea
        for index in 0..<kernelArea { destination[index] = source[kernelArea - 1 - index] }
      }
    }
  }
}
