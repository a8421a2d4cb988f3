import Autodiff
import TensorCore

/// `y = x·Wᵀ + b` over the last axis (weight `[out, in]`, as PyTorch).
public final class Linear: Module {
  public let weight: Variable
  public let bias: Variable?

  public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, generator: inout RandomGenerator) throws {
    weight = Variable(
      try Initialization.fanInUniform([outputs, inputs], fanIn: inputs, generator: &generator), requiresGrad: true)
    self.bias =
      bias
      ? Variable(try Initialization.fanInUniform([outputs], fanIn: inputs, generator: &generator), requiresGrad: true)
      : nil
    super.init()
  }

  private init(weight: Variable, bias: Variable?) {
    self.weight = weight
    self.bias = bias
    super.init()
  }

  public var inputCount: Int { weight.shape[1] }
  public var outputCount: Int { weight.shape[0] }

  public override func forward(_ input: Variable) throws -> Variable {
    try input.linear(weight: weight, bias: bias)
  }

  public override var ownParameters: [(name: String, variable: Variable)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override func copy(withChildren children: [Module]) -> Module {
    Linear(weight: weight.copied(), bias: bias?.copied())
  }

  public override var configurationDescription: String {
    "Linear(\(inputCount) → \(outputCount)\(bias == nil ? ", no bias" : ""))"
  }
}
