import TensorCore

/// PyTorch's default initialisers, so a Tempo model starts from the same distribution as the
/// PyTorch model it is compared with. Every draw comes from an explicit seeded generator.
public enum Initialization {
  /// U(−1/√fanIn, 1/√fanIn): PyTorch's `kaiming_uniform_(a=√5)` for Linear and Conv weights,
  /// which reduces to this bound, and the bound it uses for their biases.
  public static func fanInUniform(_ shape: [Int], fanIn: Int, generator: inout RandomGenerator) throws -> Tensor {
    let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    return try Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
  }

  /// Xavier/Glorot uniform: U(−b, b) with b = √(6 / (fanIn + fanOut)) (attention projections).
  public static func xavierUniform(_ shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
    guard shape.count >= 2 else { return try Tensor.zeros(shape) }
    let receptive = shape.dropFirst(2).reduce(1, *)
    let fanIn = shape[1] * receptive
    let fanOut = shape[0] * receptive
    let bound = (6 / Float(fanIn + fanOut)).squareRoot()
    return try Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
  }

  /// N(0, 1), PyTorch's default for embeddings.
  public static func standardNormal(_ shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
    try Tensor.normal(shape, generator: &generator)
  }
}
