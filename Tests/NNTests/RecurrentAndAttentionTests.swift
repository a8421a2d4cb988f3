import Autodiff
import Glibc
import NN
import TensorCore
import TestSupport
import Testing

/// The LSTM equations written out with scalar loops in Double, to check the layer's gate order,
/// biases and stacking against.
func referenceLSTM(_ lstm: LSTM, _ input: Tensor) -> [Double] {
  let (batch, steps, size) = (input.shape[0], input.shape[1], lstm.hiddenSize)
  let x = input.scalars.map(Double.init)
  var sequence = (0..<batch).map { b in
    (0..<steps).map { t in Array(x[((b * steps + t) * input.shape[2])...].prefix(input.shape[2])) }
  }
  func sigmoid(_ z: Double) -> Double { 1 / (1 + Glibc.exp(-z)) }
  for layer in lstm.layers {
    let (inputWeight, hiddenWeight) = (layer.inputWeight.value.scalars, layer.hiddenWeight.value.scalars)
    let bias = zip(layer.inputBias.value.scalars, layer.hiddenBias.value.scalars).map { Double($0) + Double($1) }
    let features = layer.inputWeight.shape[1]
    for b in 0..<batch {
      var (hidden, cell) = ([Double](repeating: 0, count: size), [Double](repeating: 0, count: size))
      for t in 0..<steps {
        var z = bias
        for row in 0..<(4 * size) {
          for j in 0..<features { z[row] += Double(inputWeight[row * features + j]) * sequence[b][t][j] }
          for j in 0..<size { z[row] += Double(hiddenWeight[row * size + j]) * hidden[j] }
        }
        for unit in 0..<size {
          let (i, f) = (sigmoid(z[unit]), sigmoid(z[size + unit]))
          let (g, o) = (Glibc.tanh(z[2 * size + unit]), sigmoid(z[3 * size + unit]))
          cell[unit] = f * cell[unit] + i * g
          hidden[unit] = o * Glibc.tanh(cell[unit])
        }
        sequence[b][t] = hidden
      }
    }
  }
  return sequence.flatMap { $0.flatMap { $0 } }
}

/// Scaled dot-product self-attention written out per batch, head and position in Double.
func referenceAttention(_ attention: MultiheadAttention, _ input: Tensor) -> [Double] {
  let (batch, length, width) = (input.shape[0], input.shape[1], attention.embedDimension)
  let headSize = width / attention.heads
  let x = input.scalars.map(Double.init)
  let (inWeight, inBias) = (attention.inputProjectionWeight.value.scalars, attention.inputProjectionBias.value.scalars)
  let outWeight = attention.outputProjection.weight.value.scalars
  let outBias = attention.outputProjection.bias?.value.scalars ?? []
  var result: [Double] = []
  for b in 0..<batch {
    // projected[t][r] for r in 0..<3E: queries, then keys, then values.
    let projected = (0..<length).map { t in
      (0..<(3 * width)).map { r in
        (0..<width).reduce(Double(inBias[r])) {
          $0 + Double(inWeight[r * width + $1]) * x[(b * length + t) * width + $1]
        }
      }
    }
    for t in 0..<length {
      var context = [Double](repeating: 0, count: width)
      for head in 0..<attention.heads {
        let offset = head * headSize
        let visible = attention.causal ? Array(0...t) : Array(0..<length)
        let scores = visible.map { s in
          (0..<headSize).reduce(0.0) { $0 + projected[t][offset + $1] * projected[s][width + offset + $1] }
            / Double(headSize).squareRoot()
        }
        let largest = scores.max() ?? 0
        let weights = scores.map { Glibc.exp($0 - largest) }
        let total = weights.reduce(0, +)
        for (weight, s) in zip(weights, visible) {
          for k in 0..<headSize { context[offset + k] += weight / total * projected[s][2 * width + offset + k] }
        }
      }
      for row in 0..<width {
        result.append(
          (0..<width).reduce(Double(outBias[row])) { $0 + Double(outWeight[row * width + $1]) * context[$1] })
      }
    }
  }
  return result
}

func expectClose(
  _ actual: Tensor, _ expected: [Double], tolerance: Double = 1e-5, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  let worst = zip(actual.scalars, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
  #expect(worst <= tolerance, "largest relative difference \(worst)", sourceLocation: sourceLocation)
}

/// Positions after `position` replaced by other values.
func changingSuffix(of input: Tensor, after position: Int, seed: UInt64) throws -> Tensor {
  let (batch, length, width) = (input.shape[0], input.shape[1], input.shape[2])
  var changed = input
  let noise = try random(input.shape, seed: seed).scalars
  changed.withUnsafeMutableBufferPointer { values in
    for b in 0..<batch {
      for t in (position + 1)..<length {
        for k in 0..<width { values[(b * length + t) * width + k] += noise[(b * length + t) * width + k] }
      }
    }
  }
  return changed
}

/// The outputs at positions 0…`position` of a `[B, T, E]` result.
func positions(of output: Tensor, through position: Int) throws -> Tensor {
  try output.sliced(alongAxis: 1, 0..<(position + 1))
}

@Suite("LSTM")
struct LSTMTests {
  @Test("parameters are named and shaped as PyTorch's nn.LSTM(5, 6, num_layers=2)")
  func parameterNames() throws {
    var generator = RandomGenerator(seed: 1)
    let lstm = try LSTM(inputSize: 5, hiddenSize: 6, layers: 2, generator: &generator)
    #expect(
      parameterList(lstm) == [
        "weight_ih_l0 [24, 5]", "weight_hh_l0 [24, 6]", "bias_ih_l0 [24]", "bias_hh_l0 [24]",
        "weight_ih_l1 [24, 6]", "weight_hh_l1 [24, 6]", "bias_ih_l1 [24]", "bias_hh_l1 [24]",
      ])
    let bound = 1 / Float(6).squareRoot()
    for parameter in lstm.parameters { #expect(parameter.value.scalars.allSatisfy { abs($0) <= bound }) }
    #expect(lstm.configurationDescription == "LSTM(5 → 6, 2 layers)")
  }

  @Test("the output follows the LSTM equations with gates in the order i, f, g, o")
  func matchesEquations() throws {
    var generator = RandomGenerator(seed: 2)
    let lstm = try LSTM(inputSize: 3, hiddenSize: 4, layers: 2, generator: &generator)
    let input = try random([2, 5, 3], -2...2, seed: 3)
    let output = try lstm(Variable(input))
    #expect(output.shape == [2, 5, 4])
    expectClose(output.value, referenceLSTM(lstm, input))
  }

  @Test("gradients reach the input and every parameter of every layer")
  func gradients() throws {
    var generator = RandomGenerator(seed: 4)
    let lstm = try LSTM(inputSize: 3, hiddenSize: 4, layers: 2, generator: &generator)
    try checkModuleGradients(lstm, input: try random([2, 3, 3], seed: 5))
  }

  @Test("the output at step t does not depend on later steps")
  func causal() throws {
    var generator = RandomGenerator(seed: 6)
    let lstm = try LSTM(inputSize: 3, hiddenSize: 4, layers: 2, generator: &generator)
    let input = try random([2, 5, 3], seed: 7)
    let original = try lstm(Variable(input)).value
    let changed = try lstm(Variable(try changingSuffix(of: input, after: 2, seed: 8))).value
    #expect(try positions(of: original, through: 2) == positions(of: changed, through: 2))
    #expect(original != changed)
  }

  @Test("an input that is not [B, T, inputSize] is named in the error")
  func inputErrors() throws {
    var generator = RandomGenerator(seed: 9)
    let lstm = try LSTM(inputSize: 3, hiddenSize: 4, generator: &generator)
    #expect(throws: ModuleError("'LSTM' expects input of shape [B, T, 3] but got [2, 3]")) {
      try lstm(Variable(try Tensor.zeros([2, 3])))
    }
    #expect(throws: ModuleError("'LSTM' expects input of shape [B, T, 3] but got [2, 7, 4]")) {
      try lstm(Variable(try Tensor.zeros([2, 7, 4])))
    }
    #expect(throws: ModuleError.self) { try LSTM(inputSize: 3, hiddenSize: 0, generator: &generator) }
  }
}

@Suite("Multi-head attention and the Transformer encoder layer")
struct AttentionTests {
  @Test("parameters are named, shaped and initialised as PyTorch's nn.MultiheadAttention(8, 2)")
  func attentionParameters() throws {
    var generator = RandomGenerator(seed: 1)
    let attention = try MultiheadAttention(embedDimension: 8, heads: 2, generator: &generator)
    #expect(
      parameterList(attention) == [
        "in_proj_weight [24, 8]", "in_proj_bias [24]", "out_proj.weight [8, 8]", "out_proj.bias [8]",
      ])
    let xavier = (6 / Float(8 + 24)).squareRoot()
    #expect(attention.inputProjectionWeight.value.scalars.allSatisfy { abs($0) <= xavier })
    #expect(attention.inputProjectionWeight.value.scalars.contains { abs($0) > 1 / Float(8).squareRoot() })
    #expect(attention.inputProjectionBias.value.scalars.allSatisfy { $0 == 0 })
    #expect(attention.outputProjection.weight.value.scalars.allSatisfy { abs($0) <= 1 / Float(8).squareRoot() })
    #expect(attention.outputProjection.bias?.value.scalars.allSatisfy { $0 == 0 } == true)
  }

  @Test("self-attention matches the equations head by head", arguments: [false, true])
  func matchesEquations(causal: Bool) throws {
    var generator = RandomGenerator(seed: 2)
    let attention = try MultiheadAttention(embedDimension: 6, heads: 3, causal: causal, generator: &generator)
    // Non-zero biases, so a bias applied to the wrong block shows.
    attention.inputProjectionBias.value = try random([18], seed: 3)
    attention.outputProjection.bias?.value = try random([6], seed: 4)
    let input = try random([2, 4, 6], -2...2, seed: 5)
    let output = try attention(Variable(input))
    #expect(output.shape == [2, 4, 6])
    expectClose(output.value, referenceAttention(attention, input))
  }

  @Test("attention gradients reach the input and every parameter", arguments: [false, true])
  func attentionGradients(causal: Bool) throws {
    var generator = RandomGenerator(seed: 6)
    let attention = try MultiheadAttention(embedDimension: 6, heads: 3, causal: causal, generator: &generator)
    attention.inputProjectionBias.value = try random([18], seed: 7)
    try checkModuleGradients(attention, input: try random([2, 4, 6], seed: 8))
  }

  @Test("with causal, the output at position t does not change when later inputs change")
  func causalAttention() throws {
    var generator = RandomGenerator(seed: 9)
    let causal = try MultiheadAttention(embedDimension: 8, heads: 2, causal: true, generator: &generator)
    let input = try random([2, 6, 8], seed: 10)
    for position in 0..<5 {
      let changed = try changingSuffix(of: input, after: position, seed: 11)
      let (before, after) = (try causal(Variable(input)).value, try causal(Variable(changed)).value)
      #expect(try positions(of: before, through: position) == positions(of: after, through: position))
      #expect(before != after)
    }
    let open = try MultiheadAttention(embedDimension: 8, heads: 2, generator: &generator)
    let changed = try changingSuffix(of: input, after: 2, seed: 11)
    #expect(
      try positions(of: open(Variable(input)).value, through: 2)
        != positions(of: open(Variable(changed)).value, through: 2))
  }

  @Test("heads that do not divide the width, and inputs of the wrong shape, are named in the error")
  func attentionErrors() throws {
    var generator = RandomGenerator(seed: 12)
    #expect(
      throws: ModuleError(
        "'MultiheadAttention' needs heads dividing embedDimension but got embedDimension: 8, heads: 3")
    ) { try MultiheadAttention(embedDimension: 8, heads: 3, generator: &generator) }
    let attention = try MultiheadAttention(embedDimension: 8, heads: 2, generator: &generator)
    #expect(throws: ModuleError("'MultiheadAttention' expects input of shape [B, T, 8] but got [2, 3, 5]")) {
      try attention(Variable(try Tensor.zeros([2, 3, 5])))
    }
    let layer = try TransformerEncoderLayer(
      modelDimension: 8, heads: 2, feedforwardDimension: 16, generator: &generator)
    #expect(throws: ModuleError("'TransformerEncoderLayer' expects input of shape [B, T, 8] but got [3, 8]")) {
      try layer(Variable(try Tensor.zeros([3, 8])))
    }
  }

  @Test("encoder layer parameters are named and ordered as PyTorch's nn.TransformerEncoderLayer(8, 2, 16)")
  func encoderParameters() throws {
    var generator = RandomGenerator(seed: 13)
    let layer = try TransformerEncoderLayer(
      modelDimension: 8, heads: 2, feedforwardDimension: 16, generator: &generator)
    #expect(
      parameterList(layer) == [
        "self_attn.in_proj_weight [24, 8]", "self_attn.in_proj_bias [24]", "self_attn.out_proj.weight [8, 8]",
        "self_attn.out_proj.bias [8]", "linear1.weight [16, 8]", "linear1.bias [16]", "linear2.weight [8, 16]",
        "linear2.bias [8]", "norm1.weight [8]", "norm1.bias [8]", "norm2.weight [8]", "norm2.bias [8]",
      ])
  }

  @Test("the encoder layer is post-norm: norm2(h + linear2(relu(linear1(h)))) with h = norm1(x + attention(x))")
  func encoderStructure() throws {
    var generator = RandomGenerator(seed: 14)
    let layer = try TransformerEncoderLayer(
      modelDimension: 8, heads: 2, feedforwardDimension: 16, generator: &generator)
    let input = Variable(try random([2, 3, 8], seed: 15))
    let attended = try layer.norm1(input + layer.selfAttention(input))
    let expected = try layer.norm2(attended + layer.linear2(layer.linear1(attended).relu()))
    #expect(try layer(input).value == expected.value)
  }

  @Test("encoder layer gradients reach the input and every parameter", arguments: [false, true])
  func encoderGradients(causal: Bool) throws {
    var generator = RandomGenerator(seed: 16)
    let layer = try TransformerEncoderLayer(
      modelDimension: 4, heads: 2, feedforwardDimension: 6, causal: causal, generator: &generator)
    try checkModuleGradients(layer, input: try random([2, 3, 4], seed: 17))
  }

  @Test("a causal encoder layer keeps position t independent of later inputs")
  func causalEncoder() throws {
    var generator = RandomGenerator(seed: 18)
    let layer = try TransformerEncoderLayer(
      modelDimension: 8, heads: 2, feedforwardDimension: 16, causal: true, generator: &generator)
    let input = try random([2, 5, 8], seed: 19)
    let changed = try changingSuffix(of: input, after: 1, seed: 20)
    #expect(
      try positions(of: layer(Variable(input)).value, through: 1)
        == positions(of: layer(Variable(changed)).value, through: 1))
  }
}
