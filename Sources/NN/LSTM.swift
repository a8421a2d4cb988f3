import Autodiff
import TensorCore

/// A multi-layer long short-term memory network over batch-first sequences (PyTorch's
/// `nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)`), starting from a zero
/// state.
///
/// Each layer computes, at every step t, with gates in PyTorch's order i, f, g, o (the four row
/// blocks of `weight_ih_l*` and `weight_hh_l*`):
///
///     i, f, g, o = σ, σ, tanh, σ of (x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
///     c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
///
/// `[B, T, inputSize]` maps to the top layer's hidden states `[B, T, hiddenSize]`; the final
/// states h_n and c_n are not returned. Each layer projects the whole input sequence in one
/// product before its time loop, so only the `[B, H] × [H, 4H]` recurrent product runs per step,
/// inside one fused op with a hand-written backward pass through time.
/// Every parameter starts from U(−1/√H, 1/√H), as in PyTorch.
public final class LSTM: Module {
  /// The parameters of one layer, named `weight_ih_l<k>`, `weight_hh_l<k>`, `bias_ih_l<k>` and
  /// `bias_hh_l<k>` in the state dictionary.
  public struct Layer {
    /// `weight_ih_l<k>`: `[4H, inputs of the layer]`.
    public let inputWeight: Variable
    /// `weight_hh_l<k>`: `[4H, H]`.
    public let hiddenWeight: Variable
    /// `bias_ih_l<k>`: `[4H]`.
    public let inputBias: Variable
    /// `bias_hh_l<k>`: `[4H]`.
    public let hiddenBias: Variable
  }

  public let inputSize: Int
  public let hiddenSize: Int
  public let layers: [Layer]

  /// - Parameters:
  ///   - inputSize: the features of each input step.
  ///   - hiddenSize: H, the features of the hidden and cell states.
  ///   - layers: how many LSTMs are stacked, each reading the hidden states of the one below.
  ///   - generator: the seeded source of the initial parameters.
  /// - Throws: `ModuleError` for a size or layer count that is not positive.
  public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, generator: inout RandomGenerator) throws {
    guard inputSize > 0, hiddenSize > 0, layers > 0 else {
      throw ModuleError(
        "'LSTM' needs positive sizes and layer count but got inputSize: \(inputSize), "
          + "hiddenSize: \(hiddenSize), layers: \(layers)")
    }
    let bound = 1 / Float(hiddenSize).squareRoot()
    func parameter(_ shape: [Int]) throws -> Variable {
      Variable(try Tensor.uniform(shape, low: -bound, high: bound, generator: &generator), requiresGrad: true)
    }
    var stack: [Layer] = []
    for index in 0..<layers {
      let inputs = index == 0 ? inputSize : hiddenSize
      stack.append(
        Layer(
          inputWeight: try parameter([4 * hiddenSize, inputs]),
          hiddenWeight: try parameter([4 * hiddenSize, hiddenSize]),
          inputBias: try parameter([4 * hiddenSize]), hiddenBias: try parameter([4 * hiddenSize])))
    }
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.layers = stack
    super.init()
  }

  private init(inputSize: Int, hiddenSize: Int, layers: [Layer]) {
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.layers = layers
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 3, input.shape[2] == inputSize else {
      throw ModuleError(
        "'LSTM' expects input of shape [B, T, \(inputSize)] but got \(Tensor.describe(input.shape))")
    }
    let (batch, steps) = (input.shape[0], input.shape[1])
    guard steps > 0 else { return Variable.constant(try Tensor.zeros([batch, 0, hiddenSize])) }
    var sequence = input
    for layer in layers { sequence = try run(layer, over: sequence, batch: batch, steps: steps) }
    return sequence
  }

  /// One layer over the whole sequence: `[B, T, in]` → `[B, T, H]`. The input product and both
  /// biases cover the whole sequence at once; the time loop is one fused op
  /// (`Variable.lstmSequence`). The two biases are summed first (`[4H]`), so the sequence gets
  /// one bias pass and its gradient one row sum rather than two of each.
  private func run(_ layer: Layer, over sequence: Variable, batch: Int, steps: Int) throws -> Variable {
    let projected = try sequence.linear(weight: layer.inputWeight, bias: layer.inputBias + layer.hiddenBias)
    return try projected.lstmSequence(hiddenWeight: layer.hiddenWeight)
  }

  public override var ownParameters: [(name: String, variable: Variable)] {
    layers.enumerated().flatMap { index, layer in
      [
        ("weight_ih_l\(index)", layer.inputWeight), ("weight_hh_l\(index)", layer.hiddenWeight),
        ("bias_ih_l\(index)", layer.inputBias), ("bias_hh_l\(index)", layer.hiddenBias),
      ]
    }
  }

  public override func copy(withChildren children: [Module]) -> Module {
    LSTM(
      inputSize: inputSize, hiddenSize: hiddenSize,
      layers: layers.map {
        Layer(
          inputWeight: $0.inputWeight.copied(), hiddenWeight: $0.hiddenWeight.copied(),
          inputBias: $0.inputBias.copied(), hiddenBias: $0.hiddenBias.copied())
      })
  }

  public override var configurationDescription: String {
    "LSTM(\(inputSize) → \(hiddenSize)\(layers.count > 1 ? ", \(layers.count) layers" : ""))"
  }
}
