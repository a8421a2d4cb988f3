import Autodiff
import TensorCore

extension Architectures {
  /// A character-level language model: `Embedding(vocabulary, embedding)`, an `LSTM` and a
  /// `Linear(hidden, vocabulary)` applied at every position.
  ///
  /// Input `[N, L]` token ids (whole numbers stored as Floats), output `[N, L, vocabulary]`
  /// logits for the next token at each position; train with cross-entropy against the input
  /// shifted by one.
  /// - Parameters:
  ///   - vocabulary: the number of distinct tokens.
  ///   - embedding: the width of each token's vector.
  ///   - hidden: the LSTM's hidden size.
  ///   - layers: stacked LSTM layers.
  ///   - generator: the seeded source of the weights.
  /// - Returns: `Sequential([Embedding, LSTM, Linear])`.
  /// - Throws: `ModuleError` for a size or layer count that is not positive.
  public static func charLM(
    vocabulary: Int, embedding: Int = 64, hidden: Int = 128, layers: Int = 1, generator: inout RandomGenerator
  ) throws -> Sequential {
    guard vocabulary > 0, embedding > 0, hidden > 0, layers > 0 else {
      throw ModuleError(
        "'charLM' needs positive sizes and layers but got vocabulary \(vocabulary), embedding \(embedding), "
          + "hidden \(hidden), layers \(layers)")
    }
    return Sequential([
      try Embedding(vocabulary, embedding, generator: &generator),
      try LSTM(inputSize: embedding, hiddenSize: hidden, layers: layers, generator: &generator),
      try Linear(hidden, vocabulary, generator: &generator),
    ])
  }

  /// A Transformer encoder over tokens: `Embedding(vocabulary, width)`, a learned
  /// `PositionalEmbedding(length, width)` and `layers` post-norm `TransformerEncoderLayer`s, then
  /// either a language-model head, `Linear(width, vocabulary)` at every position (output
  /// `[N, L, vocabulary]`), or, with `classes`, `SequenceMean` and `Linear(width, classes)`
  /// (output `[N, classes]`).
  ///
  /// A language model should stay `causal` (position t attends to 0…t only), or it can read the
  /// token it is asked to predict; a classifier usually sees the whole sequence (`causal: false`).
  /// - Parameters:
  ///   - vocabulary: the number of distinct tokens.
  ///   - length: the longest sequence; longer input is an error.
  ///   - width: the model width (`d_model`).
  ///   - heads: attention heads; must divide `width`.
  ///   - layers: encoder layers.
  ///   - feedforward: the hidden width of each feed-forward block.
  ///   - causal: whether attention is masked to earlier positions.
  ///   - classes: nil for a language model, else the number of sequence classes.
  ///   - generator: the seeded source of the weights.
  /// - Returns: a flat `Sequential`, so its head is the last top-level layer.
  /// - Throws: `ModuleError` for sizes that are not positive or heads that do not divide `width`.
  public static func transformer(
    vocabulary: Int, length: Int, width: Int = 64, heads: Int = 2, layers: Int = 2, feedforward: Int = 128,
    causal: Bool = true, classes: Int? = nil, generator: inout RandomGenerator
  ) throws -> Sequential {
    guard vocabulary > 0, length > 0, width > 0, layers > 0, (classes ?? 1) > 0 else {
      throw ModuleError(
        "'transformer' needs positive sizes and layers but got vocabulary \(vocabulary), length \(length), "
          + "width \(width), layers \(layers), classes \(classes.map(String.init) ?? "nil")")
    }
    var modules: [Module] = [
      try Embedding(vocabulary, width, generator: &generator),
      try PositionalEmbedding(length, width, generator: &generator),
    ]
    for _ in 0..<layers {
      modules.append(
        try TransformerEncoderLayer(
          modelDimension: width, heads: heads, feedforwardDimension: feedforward, causal: causal,
          generator: &generator))
    }
    if let classes {
      modules += [SequenceMean(), try Linear(width, classes, generator: &generator)]
    } else {
      modules.append(try Linear(width, vocabulary, generator: &generator))
    }
    return Sequential(modules)
  }
}
