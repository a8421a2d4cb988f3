import Autodiff
import TensorCore

/// Batch normalisation over `[N, C]` (1-D) or `[N, C, H, W]` (2-D), with PyTorch's defaults:
/// ε = 1e-5, momentum 0.1, scale 1 and shift 0 to start, running mean 0 and variance 1. The
/// running variance is updated with the unbiased batch variance, as PyTorch does.
public final class BatchNorm: Module {
  public let weight: Variable
  public let bias: Variable
  public let runningMean: Variable
  public let runningVariance: Variable
  public let trackedBatches: Variable
  public let epsilon: Float
  public let momentum: Float
  public let spatial: Bool

  public init(_ channels: Int, spatial: Bool, epsilon: Float = 1e-5, momentum: Float = 0.1) throws {
    weight = Variable(try Tensor.ones([channels]), requiresGrad: true)
    bias = Variable(try Tensor.zeros([channels]), requiresGrad: true)
    runningMean = Variable(try Tensor.zeros([channels]))
    runningVariance = Variable(try Tensor.ones([channels]))
    trackedBatches = Variable(Tensor(0))
    self.epsilon = epsilon
    self.momentum = momentum
    self.spatial = spatial
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    try normalize(input, rectified: false)
  }

  /// `relu()` of this layer's output, computed in the same pass over the activations (and one
  /// node of the graph): what `self(input).relu()` gives, faster. For a network's forward
  /// composition; the layer's parameters, buffers and summary row are the same.
  public func rectified(_ input: Variable) throws -> Variable {
    let output = try normalize(input, rectified: true)
    ModelSummary.record(module: self, output: output)
    return output
  }

  private func normalize(_ input: Variable, rectified: Bool) throws -> Variable {
    guard input.shape.count == (spatial ? 4 : 2) else {
      throw ModuleError(
        "\(configurationDescription) needs \(spatial ? "[N, C, H, W]" : "[N, C]") input but got \(Tensor.describe(input.shape))"
      )
    }
    if !isTraining {
      return try input.batchNormalized(
        scale: weight, shift: bias, running: (runningMean.value, runningVariance.value), epsilon: epsilon,
        rectified: rectified
      ).output
    }
    let (output, statistics) = try input.batchNormalized(
      scale: weight, shift: bias, running: nil, epsilon: epsilon, rectified: rectified)
    let groupSize = Float(input.value.count / weight.shape[0])
    let correction = groupSize > 1 ? groupSize / (groupSize - 1) : 1
    let (mean, variance) = (runningMean.value.scalars, runningVariance.value.scalars)
    runningMean.value = Tensor(zip(mean, statistics.mean).map { (1 - momentum) * $0 + momentum * $1 })
    runningVariance.value = Tensor(
      zip(variance, statistics.variance).map { (1 - momentum) * $0 + momentum * $1 * correction })
    trackedBatches.value = Tensor((trackedBatches.value.scalar ?? 0) + 1)
    return output
  }

  public override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

  public override var ownBuffers: [(name: String, variable: Variable)] {
    [("running_mean", runningMean), ("running_var", runningVariance), ("num_batches_tracked", trackedBatches)]
  }

  public override func copy(withChildren children: [Module]) throws -> Module {
    transferringOwnState(to: try BatchNorm(weight.shape[0], spatial: spatial, epsilon: epsilon, momentum: momentum))
  }

  public override var configurationDescription: String { "BatchNorm\(spatial ? "2d" : "1d")(\(weight.shape[0]))" }
}

/// Layer normalisation over the last axis (ε = 1e-5, scale 1, shift 0).
public final class LayerNorm: Module {
  public let weight: Variable
  public let bias: Variable
  public let epsilon: Float

  public init(_ features: Int, epsilon: Float = 1e-5) throws {
    weight = Variable(try Tensor.ones([features]), requiresGrad: true)
    bias = Variable(try Tensor.zeros([features]), requiresGrad: true)
    self.epsilon = epsilon
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    try input.layerNormalized(scale: weight, shift: bias, epsilon: epsilon)
  }

  public override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

  public override func copy(withChildren children: [Module]) throws -> Module {
    transferringOwnState(to: try LayerNorm(weight.shape[0], epsilon: epsilon))
  }

  public override var configurationDescription: String { "LayerNorm(\(weight.shape[0]))" }
}
