import Autodiff
import TensorCore

/// Multi-head self-attention over batch-first sequences (PyTorch's
/// `nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)` called as `attn(x, x, x)`,
/// without dropout).
///
/// `[B, T, E]` is projected to queries, keys and values by one product with `in_proj_weight`
/// `[3E, E]` (rows q, k, v) and `in_proj_bias`; each of the `heads` heads attends with
/// softmax(q·kᵀ / √(E/heads) + mask)·v over the keys; the heads are joined and projected by
/// the child `out_proj` (a `Linear(E, E)`). With `causal`, the mask is −∞ above the diagonal,
/// so position t sees positions 0…t only; the diagonal is never masked, so no row of the
/// softmax is all −∞. Initialisation as PyTorch: Xavier-uniform `in_proj_weight`, zero biases,
/// and the default `Linear` draw for `out_proj.weight`.
public final class MultiheadAttention: Module {
  public let embedDimension: Int
  public let heads: Int
  public let causal: Bool
  /// `in_proj_weight`: `[3E, E]`, the query, key and value projections stacked.
  public let inputProjectionWeight: Variable
  /// `in_proj_bias`: `[3E]`.
  public let inputProjectionBias: Variable
  /// `out_proj`.
  public let outputProjection: Linear

  /// - Parameters:
  ///   - embedDimension: E, the features of each position.
  ///   - heads: how many heads share the E features (E must be a multiple).
  ///   - causal: whether position t may attend only to positions up to t.
  ///   - generator: the seeded source of the initial weights.
  /// - Throws: `ModuleError` when `heads` does not divide `embedDimension`.
  public init(embedDimension: Int, heads: Int, causal: Bool = false, generator: inout RandomGenerator) throws {
    guard embedDimension > 0, heads > 0, embedDimension % heads == 0 else {
      throw ModuleError(
        "'MultiheadAttention' needs heads dividing embedDimension but got embedDimension: \(embedDimension), "
          + "heads: \(heads)")
    }
    self.embedDimension = embedDimension
    self.heads = heads
    self.causal = causal
    inputProjectionWeight = Variable(
      try Initialization.xavierUniform([3 * embedDimension, embedDimension], generator: &generator),
      requiresGrad: true)
    inputProjectionBias = Variable(try Tensor.zeros([3 * embedDimension]), requiresGrad: true)
    outputProjection = try Linear(embedDimension, embedDimension, generator: &generator)
    outputProjection.bias?.value = try Tensor.zeros([embedDimension])
    super.init()
  }

  private init(copying original: MultiheadAttention, outputProjection: Linear) {
    embedDimension = original.embedDimension
    heads = original.heads
    causal = original.causal
    inputProjectionWeight = original.inputProjectionWeight.copied()
    inputProjectionBias = original.inputProjectionBias.copied()
    self.outputProjection = outputProjection
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 3, input.shape[2] == embedDimension else {
      throw ModuleError(
        "'MultiheadAttention' expects input of shape [B, T, \(embedDimension)] but got \(Tensor.describe(input.shape))"
      )
    }
    let (batch, length) = (input.shape[0], input.shape[1])
    let headSize = embedDimension / heads
    let projected = try input.linear(weight: inputProjectionWeight, bias: inputProjectionBias)
    // [B, T, E] → [B·heads, T, E/heads]: one batched product covers every head of every sequence.
    func splitHeads(_ part: Int) throws -> Variable {
      try projected.sliced(alongAxis: 2, (part * embedDimension)..<((part + 1) * embedDimension))
        .reshaped([batch, length, heads, headSize]).permuted([0, 2, 1, 3]).reshaped([batch * heads, length, headSize])
    }
    let queries = try splitHeads(0) * (1 / Float(headSize).squareRoot())
    let (keys, values) = (try splitHeads(1), try splitHeads(2))
    var scores = try queries.matmul(keys, transposingOther: true)
    if causal { scores = try scores + Variable.constant(try Self.causalMask(length)) }
    let weights = try scores.softmax(alongAxis: 2)
    let context = try weights.matmul(values).reshaped([batch, heads, length, headSize]).permuted([0, 2, 1, 3])
      .reshaped([batch, length, embedDimension])
    return try outputProjection(context)
  }

  /// `[T, T]`: 0 on and below the diagonal, −∞ above it.
  static func causalMask(_ length: Int) throws -> Tensor {
    var mask = try Tensor.zeros([length, length])
    mask.withUnsafeMutableBufferPointer { values in
      for row in 0..<length {
        for column in (row + 1)..<Swift.max(row + 1, length) { values[row * length + column] = -.infinity }
      }
    }
    return mask
  }

  public override var ownParameters: [(name: String, variable: Variable)] {
    [("in_proj_weight", inputProjectionWeight), ("in_proj_bias", inputProjectionBias)]
  }

  public override var children: [(name: String, module: Module)] { [("out_proj", outputProjection)] }

  public override func copy(withChildren children: [Module]) throws -> Module {
    MultiheadAttention(copying: self, outputProjection: try child(children, 0, as: Linear.self))
  }

  public override var configurationDescription: String {
    "MultiheadAttention(\(embedDimension), heads: \(heads)\(causal ? ", causal" : ""))"
  }
}

/// One post-norm Transformer encoder layer (PyTorch's `nn.TransformerEncoderLayer` with
/// `batch_first=True`, `norm_first=False`, ReLU and dropout 0):
///
///     x = norm1(x + self_attn(x))
///     x = norm2(x + linear2(relu(linear1(x))))
///
/// Children are named as PyTorch's (`self_attn`, `linear1`, `linear2`, `norm1`, `norm2`), so a
/// state dictionary moves between the two; layer norms use ε = 1e-5.
public final class TransformerEncoderLayer: Module {
  public let selfAttention: MultiheadAttention
  public let linear1: Linear
  public let linear2: Linear
  public let norm1: LayerNorm
  public let norm2: LayerNorm

  /// - Parameters:
  ///   - modelDimension: E, the features of each position (`d_model`).
  ///   - heads: attention heads (`nhead`); must divide E.
  ///   - feedforwardDimension: the hidden width of the feed-forward block (`dim_feedforward`,
  ///     2048 by default as in PyTorch; small models want much less).
  ///   - causal: whether position t may attend only to positions up to t.
  ///   - generator: the seeded source of the initial weights.
  /// - Throws: `ModuleError` for sizes that do not fit.
  public init(
    modelDimension: Int, heads: Int, feedforwardDimension: Int = 2048, causal: Bool = false,
    generator: inout RandomGenerator
  ) throws {
    guard feedforwardDimension > 0 else {
      throw ModuleError(
        "'TransformerEncoderLayer' needs a positive feedforwardDimension but got \(feedforwardDimension)")
    }
    selfAttention = try MultiheadAttention(
      embedDimension: modelDimension, heads: heads, causal: causal, generator: &generator)
    linear1 = try Linear(modelDimension, feedforwardDimension, generator: &generator)
    linear2 = try Linear(feedforwardDimension, modelDimension, generator: &generator)
    norm1 = try LayerNorm(modelDimension)
    norm2 = try LayerNorm(modelDimension)
    super.init()
  }

  private init(
    selfAttention: MultiheadAttention, linear1: Linear, linear2: Linear, norm1: LayerNorm, norm2: LayerNorm
  ) {
    self.selfAttention = selfAttention
    self.linear1 = linear1
    self.linear2 = linear2
    self.norm1 = norm1
    self.norm2 = norm2
    super.init()
  }

  public var modelDimension: Int { selfAttention.embedDimension }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 3, input.shape[2] == modelDimension else {
      throw ModuleError(
        "'TransformerEncoderLayer' expects input of shape [B, T, \(modelDimension)] but got \(Tensor.describe(input.shape))"
      )
    }
    let attended = try norm1(input + selfAttention(input))
    return try norm2(attended + linear2(linear1(attended).relu()))
  }

  public override var children: [(name: String, module: Module)] {
    [("self_attn", selfAttention), ("linear1", linear1), ("linear2", linear2), ("norm1", norm1), ("norm2", norm2)]
  }

  public override func copy(withChildren children: [Module]) throws -> Module {
    TransformerEncoderLayer(
      selfAttention: try child(children, 0), linear1: try child(children, 1), linear2: try child(children, 2),
      norm1: try child(children, 3), norm2: try child(children, 4))
  }

  public override var configurationDescription: String {
    "TransformerEncoderLayer(\(modelDimension), heads: \(heads), feedforward: \(linear1.outputCount)"
      + "\(selfAttention.causal ? ", causal" : ""))"
  }

  private var heads: Int { selfAttention.heads }
}
