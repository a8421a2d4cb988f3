import Autodiff
import TensorCore

/// A learned position embedding: adds row t of `weight` (`[length, width]`) to position t of
/// every sequence, `[N, L, width]` → `[N, L, width]` for any L ≤ `length`.
///
/// Attention alone cannot tell positions apart (it is the same for any order of its inputs), so
/// a Transformer over tokens needs this after its `Embedding`. It is PyTorch's usual
/// `x + pos_emb(arange(L))` with `pos_emb = nn.Embedding(length, width)`: the parameter is named
/// `weight` and starts from N(0, 1) like an embedding. Positions beyond `length` have no row and
/// are refused rather than wrapped or clipped.
public final class PositionalEmbedding: Module {
  public let weight: Variable

  /// - Parameters:
  ///   - length: the longest sequence, one row per position.
  ///   - width: the features of each position (the model width).
  ///   - generator: the seeded source of the initial rows.
  /// - Throws: `ModuleError` for a length or width that is not positive.
  public init(_ length: Int, _ width: Int, generator: inout RandomGenerator) throws {
    guard length > 0, width > 0 else {
      throw ModuleError("'PositionalEmbedding' needs a positive length and width but got \(length) × \(width)")
    }
    weight = Variable(try Initialization.standardNormal([length, width], generator: &generator), requiresGrad: true)
    super.init()
  }

  private init(weight: Variable) {
    self.weight = weight
    super.init()
  }

  public var length: Int { weight.shape[0] }
  public var width: Int { weight.shape[1] }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 3, input.shape[2] == width else {
      throw ModuleError(
        "'PositionalEmbedding' expects input of shape [N, L, \(width)] but got \(Tensor.describe(input.shape))")
    }
    let steps = input.shape[1]
    guard steps <= length else {
      throw ModuleError(
        "'PositionalEmbedding' holds \(length) positions but got a sequence of \(steps); "
          + "build it with a length of at least \(steps)")
    }
    return try input + (steps == length ? weight : weight.sliced(alongAxis: 0, 0..<steps))
  }

  public override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight)] }

  public override func copy(withChildren children: [Module]) -> Module { PositionalEmbedding(weight: weight.copied()) }

  public override var configurationDescription: String { "PositionalEmbedding(\(length) × \(width))" }
}

/// The mean over positions, `[N, L, W]` → `[N, W]`: one vector per sequence, for classifying
/// whole sequences with a Transformer (PyTorch's `x.mean(dim=1)`). Every position counts
/// equally, padding included, so sequences should fill the length they are given.
public final class SequenceMean: Module {
  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 3 else {
      throw ModuleError("'SequenceMean' expects input of shape [N, L, W] but got \(Tensor.describe(input.shape))")
    }
    return try input.mean(alongAxis: 1)
  }

  public override func copy(withChildren children: [Module]) -> Module { SequenceMean() }

  public override var configurationDescription: String { "SequenceMean" }
}
