import Autodiff
import TensorCore

/// An elementwise activation as a layer, for `Sequential`.
public final class Activation: Module {
  public enum Kind: String, Sendable, CaseIterable {
    case relu = "ReLU"
    case tanh = "Tanh"
    case sigmoid = "Sigmoid"
    case gelu = "GELU"
  }

  public let kind: Kind

  public init(_ kind: Kind) {
    self.kind = kind
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    switch kind {
    case .relu: input.relu()
    case .tanh: input.tanh()
    case .sigmoid: input.sigmoid()
    case .gelu: input.gelu()
    }
  }

  public override func copy(withChildren children: [Module]) -> Module { Activation(kind) }

  public override var configurationDescription: String { kind.rawValue }
}

/// Softmax or log-softmax along an axis (default: the last), as a layer.
public final class Softmax: Module {
  public let axis: Int
  public let logarithmic: Bool

  public init(axis: Int = -1, logarithmic: Bool = false) {
    self.axis = axis
    self.logarithmic = logarithmic
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    logarithmic ? try input.logSoftmax(alongAxis: axis) : try input.softmax(alongAxis: axis)
  }

  public override func copy(withChildren children: [Module]) -> Module {
    Softmax(axis: axis, logarithmic: logarithmic)
  }

  public override var configurationDescription: String { logarithmic ? "LogSoftmax" : "Softmax" }
}

/// Flattens every axis after the first: `[N, C, H, W]` → `[N, C·H·W]`.
public final class Flatten: Module {
  public override func forward(_ input: Variable) throws -> Variable {
    guard let batch = input.shape.first else { throw ModuleError("Flatten needs a batch axis but got a scalar") }
    return try input.reshaped([batch, input.shape.dropFirst().reduce(1, *)])
  }

  public override func copy(withChildren children: [Module]) -> Module { Flatten() }
}

/// Zeroes each element with probability `p` in training mode and scales the rest by 1/(1−p)
/// (inverted dropout, as PyTorch); the identity in evaluation mode.
public final class Dropout: Module {
  public let probability: Float
  private var generator: RandomGenerator

  public init(_ probability: Float, seed: UInt64) throws {
    guard probability >= 0, probability < 1 else {
      throw ModuleError("Dropout probability must be in 0..<1 but got \(probability)")
    }
    self.probability = probability
    generator = RandomGenerator(seed: seed)
    super.init()
  }

  private init(probability: Float, generator: RandomGenerator) {
    self.probability = probability
    self.generator = generator
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    guard isTraining, probability > 0 else { return input }
    let keep = 1 / (1 - probability)
    var mask = try Tensor.zeros(input.shape)
    mask.withUnsafeMutableBufferPointer { values in
      for index in values.indices { values[index] = generator.nextUnitFloat() < probability ? 0 : keep }
    }
    return try input * Variable.constant(mask)
  }

  /// The copy continues from the same point of the random sequence, so it drops the same
  /// elements the original would next.
  public override func copy(withChildren children: [Module]) -> Module {
    Dropout(probability: probability, generator: generator)
  }

  public override var configurationDescription: String { "Dropout(p: \(probability))" }
}

/// A lookup table: integer indices (stored as Floats) of any shape `S` give vectors `S + [d]`.
public final class Embedding: Module {
  public let weight: Variable

  public init(_ count: Int, _ dimension: Int, generator: inout RandomGenerator) throws {
    weight = Variable(try Initialization.standardNormal([count, dimension], generator: &generator), requiresGrad: true)
    super.init()
  }

  private init(weight: Variable) {
    self.weight = weight
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    let count = weight.shape[0]
    var indices: [Int] = []
    indices.reserveCapacity(input.value.count)
    for value in input.value.scalars {
      guard let index = Int(exactly: value), index >= 0, index < count else {
        throw ModuleError("Embedding index \(value) is not a whole number in 0..<\(count)")
      }
      indices.append(index)
    }
    return try weight.selectingRows(indices).reshaped(input.shape + [weight.shape[1]])
  }

  public override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight)] }

  public override func copy(withChildren children: [Module]) -> Module { Embedding(weight: weight.copied()) }

  public override var configurationDescription: String { "Embedding(\(weight.shape[0]) × \(weight.shape[1]))" }
}
