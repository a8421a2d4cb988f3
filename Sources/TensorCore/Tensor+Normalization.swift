import Glibc

/// What a normalisation's forward pass keeps for its backward pass and for running statistics.
public struct NormalizationStatistics: Sendable {
  /// Per-group mean and biased variance of the input (per channel for batch norm, per row for
  /// layer norm).
  public var mean: [Float]
  public var variance: [Float]
  /// The normalised input, (x - mean) / sqrt(variance + epsilon).
  public var normalized: Tensor
  public var inverseDeviation: [Float]
}

extension Tensor {
  /// Batch normalisation in training mode over `[N, C]` or `[N, C, H, W]`: every channel is
  /// normalised with the mean and biased variance of the batch, then scaled by `scale` and
  /// shifted by `shift` (both `[C]`). With `rectified`, the output goes through a ReLU in the
  /// same pass (`batchNormGradients` must then be told so too).
  public func batchNormalized(
    scale: Tensor, shift: Tensor, epsilon: Float, rectified: Bool = false
  ) throws(TensorError) -> (output: Tensor, statistics: NormalizationStatistics) {
    let (batch, channels, spatial) = try batchNormGeometry(scale: scale, shift: shift)
    var mean = [Float](repeating: 0, count: channels)
    var variance = [Float](repeating: 0, count: channels)
    mean.withUnsafeMutableBufferPointer { means in
      variance.withUnsafeMutableBufferPointer { variances in
        guard let means = means.baseAddress, let variances = variances.baseAddress else { return }
        BatchNormKernels.statistics(
          storage.base, .init(batch: batch, channels: channels, spatial: spatial), mean: means, variance: variances)
      }
    }
    let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
    return try normalize(
      mean: mean, variance: variance, inverse: inverse, scale: scale, shift: shift, batch: batch,
      channels: channels, spatial: spatial, rectified: rectified)
  }

  /// Batch normalisation with given statistics (evaluation mode, running statistics); with
  /// `rectified`, followed by a ReLU in the same pass.
  public func batchNormalized(
    mean: Tensor, variance: Tensor, scale: Tensor, shift: Tensor, epsilon: Float, rectified: Bool = false
  ) throws(TensorError) -> (output: Tensor, statistics: NormalizationStatistics) {
    let (batch, channels, spatial) = try batchNormGeometry(scale: scale, shift: shift)
    guard mean.shape == [channels], variance.shape == [channels] else {
      throw .shapes("batchNorm", mean.shape, variance.shape, "running statistics must be [\(channels)]")
    }
    let inverse = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    return try normalize(
      mean: mean.scalars, variance: variance.scalars, inverse: inverse, scale: scale, shift: shift, batch: batch,
      channels: channels, spatial: spatial, rectified: rectified)
  }

  private func batchNormGeometry(scale: Tensor, shift: Tensor) throws(TensorError) -> (Int, Int, Int) {
    guard rank == 2 || rank == 4 else {
      throw TensorError("batchNorm", "needs [N, C] or [N, C, H, W] but got \(Self.describe(shape))")
    }
    let channels = shape[1]
    guard scale.shape == [channels], shift.shape == [channels] else {
      throw .shapes("batchNorm", shape, scale.shape, "scale and shift need one value per channel")
    }
    return (shape[0], channels, rank == 4 ? shape[2] * shape[3] : 1)
  }

  private func normalize(
    mean: [Float], variance: [Float], inverse: [Float], scale: Tensor, shift: Tensor, batch: Int, channels: Int,
    spatial: Int, rectified: Bool
  ) throws(TensorError) -> (output: Tensor, statistics: NormalizationStatistics) {
    let output = TensorStorage(count: count)
    let normalized = TensorStorage(count: count)
    mean.withUnsafeBufferPointer { means in
      inverse.withUnsafeBufferPointer { inverses in
        guard let means = means.baseAddress, let inverses = inverses.baseAddress else { return }
        BatchNormKernels.normalize(
          storage.base, .init(batch: batch, channels: channels, spatial: spatial), mean: means, inverse: inverses,
          scale: scale.storage.base, shift: shift.storage.base, rectified: rectified, normalized: normalized.base,
          output: output.base)
      }
    }
    let statistics = NormalizationStatistics(
      mean: mean, variance: variance, normalized: Tensor(shape: shape, storage: normalized),
      inverseDeviation: inverse)
    return (Tensor(shape: shape, storage: output), statistics)
  }

  /// Gradients of batch normalisation: input, scale and shift. `rectifiedShift` is the
  /// forward's shift when it ended in a ReLU (`rectified`), whose mask is recomputed from the
  /// normalised input, `scale` and the shift; nil for a plain batch norm.
  public static func batchNormGradients(
    _ outputGradient: Tensor, statistics: NormalizationStatistics, scale: Tensor, rectifiedShift: Tensor? = nil,
    usingBatchStatistics: Bool
  ) throws(TensorError) -> (input: Tensor, scale: Tensor, shift: Tensor) {
    let shape = outputGradient.shape
    let (batch, channels) = (shape[0], shape[1])
    let spatial = shape.count == 4 ? shape[2] * shape[3] : 1
    let input = TensorStorage(count: outputGradient.count)
    let scaleGradient = TensorStorage(repeating: 0, count: channels)
    let shiftGradient = TensorStorage(repeating: 0, count: channels)
    statistics.inverseDeviation.withUnsafeBufferPointer { inverses in
      guard let inverses = inverses.baseAddress else { return }
      BatchNormKernels.gradients(
        outputGradient.storage.base, normalized: statistics.normalized.storage.base,
        .init(batch: batch, channels: channels, spatial: spatial), scale: scale.storage.base,
        shift: (rectifiedShift ?? scale).storage.base, inverse: inverses, usingBatchStatistics: usingBatchStatistics,
        rectified: rectifiedShift != nil, input: input.base, scaleGradient: scaleGradient.base,
        shiftGradient: shiftGradient.base)
    }
    return (
      Tensor(shape: shape, storage: input), Tensor(shape: [channels], storage: scaleGradient),
      Tensor(shape: [channels], storage: shiftGradient)
    )
  }

  /// Layer normalisation over the last dimension, scaled and shifted per feature.
  public func layerNormalized(
    scale: Tensor, shift: Tensor, epsilon: Float
  ) throws(TensorError) -> (output: Tensor, statistics: NormalizationStatistics) {
    guard let features = shape.last, scale.shape == [features], shift.shape == [features] else {
      throw .shapes("layerNorm", shape, scale.shape, "scale and shift need one value per feature of the last axis")
    }
    let rows = features == 0 ? 0 : count / features
    let output = TensorStorage(count: count)
    let normalized = TensorStorage(count: count)
    var means = [Float](repeating: 0, count: rows)
    var variances = [Float](repeating: 0, count: rows)
    var inverses = [Float](repeating: 0, count: rows)
    let gamma = scale.storage.base
    let beta = shift.storage.base
    for row in 0..<rows {
      let x = storage.base + row * features
      var total: Float = 0
      for i in 0..<features { total += x[i] }
      let mean = total / Float(features)
      var squares: Float = 0
      for i in 0..<features { squares += (x[i] - mean) * (x[i] - mean) }
      let variance = squares / Float(features)
      let inverse = 1 / (variance + epsilon).squareRoot()
      (means[row], variances[row], inverses[row]) = (mean, variance, inverse)
      for i in 0..<features {
        let value = (x[i] - mean) * inverse
        normalized.base[row * features + i] = value
        output.base[row * features + i] = value * gamma[i] + beta[i]
      }
    }
    let statistics = NormalizationStatistics(
      mean: means, variance: variances, normalized: Tensor(shape: shape, storage: normalized),
      inverseDeviation: inverses)
    return (Tensor(shape: shape, storage: output), statistics)
  }

  /// Gradients of layer normalisation: input, scale and shift.
  public static func layerNormGradients(
    _ outputGradient: Tensor, statistics: NormalizationStatistics, scale: Tensor
  ) -> (input: Tensor, scale: Tensor, shift: Tensor) {
    let features = scale.count
    let rows = features == 0 ? 0 : outputGradient.count / features
    let g = outputGradient.storage.base
    let xhat = statistics.normalized.storage.base
    let gamma = scale.storage.base
    let input = TensorStorage(count: outputGradient.count)
    let scaleGradient = TensorStorage(repeating: 0, count: features)
    let shiftGradient = TensorStorage(repeating: 0, count: features)
    for row in 0..<rows {
      let offset = row * features
      var sumDX: Float = 0
      var sumDXX: Float = 0
      for i in 0..<features {
        let dxhat = g[offset + i] * gamma[i]
        sumDX += dxhat
        sumDXX += dxhat * xhat[offset + i]
        scaleGradient.base[i] += g[offset + i] * xhat[offset + i]
        shiftGradient.base[i] += g[offset + i]
      }
      let inverse = statistics.inverseDeviation[row]
      let n = Float(features)
      for i in 0..<features {
        let dxhat = g[offset + i] * gamma[i]
        input.base[offset + i] = inverse * (dxhat - sumDX / n - xhat[offset + i] * sumDXX / n)
      }
    }
    return (
      Tensor(shape: outputGradient.shape, storage: input), Tensor(shape: [features], storage: scaleGradient),
      Tensor(shape: [features], storage: shiftGradient)
    )
  }
}
