import Autodiff
import TensorCore
import TestSupport
import Testing

/// Every gradient rule against finite differences, over shapes that exercise broadcasting.
@Suite("Gradient rules match finite differences")
struct GradientRuleTests {
  static let broadcastPairs: [([Int], [Int])] = [
    ([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 3], [4, 1]), ([3, 4], []), ([1], [2, 3]),
  ]

  @Test("+, -, * and / with broadcasting", arguments: broadcastPairs)
  func arithmetic(shapes: ([Int], [Int])) throws {
    let a = try random(shapes.0, seed: 1)
    let b = try random(shapes.1, 0.5...2, seed: 2)
    try checkGradients([a, b]) { try $0[0] + $0[1] }
    try checkGradients([a, b]) { try $0[0] - $0[1] }
    try checkGradients([a, b]) { try $0[0] * $0[1] }
    try checkGradients([a, b]) { try $0[0] / $0[1] }
  }

  @Test("negation, scaling and shifting")
  func scalars() throws {
    let a = try random([2, 3], seed: 3)
    try checkGradients([a]) { -$0[0] }
    try checkGradients([a]) { $0[0] * 2.5 }
    try checkGradients([a]) { $0[0] + 4 }
  }

  @Test("elementwise functions")
  func elementwise() throws {
    let a = try random([3, 5], -2...2, seed: 4)
    let positive = try random([3, 5], 0.5...3, seed: 5)
    // Keep relu's inputs away from its kink, where the finite difference straddles two slopes.
    let awayFromZero = a.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
    try checkGradients([a]) { $0[0].exp() }
    try checkGradients([positive]) { $0[0].log() }
    try checkGradients([a]) { $0[0].tanh() }
    try checkGradients([positive]) { $0[0].squareRoot() }
    try checkGradients([a]) { $0[0].squared() }
    try checkGradients([awayFromZero]) { $0[0].relu() }
    try checkGradients([a]) { $0[0].sigmoid() }
    try checkGradients([a]) { $0[0].gelu() }
  }

  @Test("sums and means, whole and along an axis")
  func reductions() throws {
    let a = try random([2, 3, 4], seed: 6)
    try checkGradients([a]) { $0[0].sum() }
    try checkGradients([a]) { $0[0].mean() }
    for axis in [0, 1, 2, -1] {
      try checkGradients([a]) { try $0[0].sum(alongAxis: axis) }
      try checkGradients([a]) { try $0[0].sum(alongAxis: axis, keepingDimension: true) }
      try checkGradients([a]) { try $0[0].mean(alongAxis: axis) }
    }
  }

  @Test("softmax and log-softmax along each axis")
  func softmax() throws {
    let a = try random([3, 4], -3...3, seed: 7)
    for axis in [0, 1] {
      try checkGradients([a]) { try $0[0].softmax(alongAxis: axis) }
      try checkGradients([a]) { try $0[0].logSoftmax(alongAxis: axis) }
    }
  }

  @Test("matrix products with every transpose flag, plain and batched")
  func products() throws {
    for (left, right) in [(false, false), (true, false), (false, true), (true, true)] {
      let a = try random(left ? [4, 3] : [3, 4], seed: 8)
      let b = try random(right ? [5, 4] : [4, 5], seed: 9)
      try checkGradients([a, b]) { try $0[0].matmul($0[1], transposingSelf: left, transposingOther: right) }
      let batchA = try random(left ? [2, 4, 3] : [2, 3, 4], seed: 10)
      let batchB = try random(right ? [2, 5, 4] : [2, 4, 5], seed: 11)
      try checkGradients([batchA, batchB]) {
        try $0[0].matmul($0[1], transposingSelf: left, transposingOther: right)
      }
    }
    let batch = try random([2, 3, 4], seed: 12)
    let shared = try random([4, 5], seed: 13)
    try checkGradients([batch, shared]) { try $0[0].matmul($0[1]) }
  }

  @Test("linear layers on matrices and on sequences, with and without bias")
  func linear() throws {
    let weight = try random([5, 4], seed: 14)
    let bias = try random([5], seed: 15)
    for shape in [[3, 4], [2, 3, 4]] {
      let x = try random(shape, seed: 16)
      try checkGradients([x, weight, bias]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }
      try checkGradients([x, weight]) { try $0[0].linear(weight: $0[1], bias: nil) }
    }
  }

  @Test("reshape, permute, transpose, slice, concatenate, stack and row selection")
  func layout() throws {
    let a = try random([2, 3, 4], seed: 17)
    let b = try random([2, 2, 4], seed: 18)
    try checkGradients([a]) { try $0[0].reshaped([6, -1]) }
    try checkGradients([a]) { try $0[0].permuted([2, 0, 1]) }
    try checkGradients([a]) { try $0[0].transposed(0, 2) }
    try checkGradients([a]) { try $0[0].sliced(alongAxis: 1, 1..<3) }
    try checkGradients([a, b]) { try Variable.concatenate([$0[0], $0[1]], alongAxis: 1) }
    try checkGradients([a, a]) { try Variable.stack([$0[0], $0[1]]) }
    let table = try random([5, 3], seed: 19)
    try checkGradients([table]) { try $0[0].selectingRows([4, 0, 4, 2]) }
  }

  @Test("batch normalisation, training and evaluation, over [N, C] and [N, C, H, W]")
  func batchNorm() throws {
    for shape in [[6, 3], [2, 3, 2, 2]] {
      let x = try random(shape, -2...2, seed: 20)
      let scale = try random([3], 0.5...1.5, seed: 21)
      let shift = try random([3], seed: 22)
      try checkGradients([x, scale, shift]) {
        try $0[0].batchNormalized(scale: $0[1], shift: $0[2], running: nil, epsilon: 1e-5).output
      }
      let running = (mean: try random([3], seed: 23), variance: try random([3], 0.5...2, seed: 24))
      try checkGradients([x, scale, shift]) {
        try $0[0].batchNormalized(scale: $0[1], shift: $0[2], running: running, epsilon: 1e-5).output
      }
    }
  }

  @Test("batch normalisation fused with ReLU, training and evaluation, over [N, C] and [N, C, H, W]")
  func batchNormReLU() throws {
    for (shape, seed) in [([6, 3], UInt64(40)), ([2, 3, 2, 2], UInt64(41))] {
      let x = try random(shape, -2...2, seed: seed)
      let scale = try random([3], 0.5...1.5, seed: 21)
      let shift = try random([3], seed: 22)
      let running = (mean: try random([3], seed: 23), variance: try random([3], 0.5...2, seed: 24))
      for statistics in [nil, running] {
        // Finite differences straddle ReLU's kink for outputs near 0; these seeds keep every
        // output at least 0.05 from it (checked, so a changed kernel cannot pass by luck).
        let plain = try Variable(x).batchNormalized(
          scale: Variable(scale), shift: Variable(shift), running: statistics, epsilon: 1e-5
        ).output.value
        try #require(plain.scalars.allSatisfy { Swift.abs($0) > 0.05 })
        try checkGradients([x, scale, shift]) {
          try $0[0].batchNormalized(scale: $0[1], shift: $0[2], running: statistics, epsilon: 1e-5, rectified: true)
            .output
        }
      }
    }
  }

  @Test("batch normalisation fused with ReLU gives what batch norm then relu gives, values and gradients")
  func batchNormReLUMatchesComposition() throws {
    let x = try random([4, 3, 3, 5], -2...2, seed: 42)
    let scale = try random([3], -1...1.5, seed: 43)
    let shift = try random([3], seed: 44)
    let weights = try random([4, 3, 3, 5], seed: 45)
    func run(_ fused: Bool) throws -> [Tensor] {
      let variables = [x, scale, shift].map { Variable($0, requiresGrad: true) }
      let output =
        fused
        ? try variables[0].batchNormalized(
          scale: variables[1], shift: variables[2], running: nil, epsilon: 1e-5, rectified: true
        ).output
        : try variables[0].batchNormalized(scale: variables[1], shift: variables[2], running: nil, epsilon: 1e-5)
          .output.relu()
      try (output * Variable.constant(weights)).sum().backward()
      return [output.value] + (try variables.map { try #require($0.grad) })
    }
    let (fused, composed) = (try run(true), try run(false))
    #expect(fused[0].scalars == composed[0].scalars)
    #expect(fused[0].scalars.contains(0) && fused[0].scalars.contains { $0 > 0 })
    // The same masked gradient through the same sums: equal to the bit.
    for (a, b) in Swift.zip(fused.dropFirst(), composed.dropFirst()) { #expect(a.scalars == b.scalars) }
  }

  @Test("relu of a sum in one node: finite differences, and what + then relu gives")
  func rectifiedSum() throws {
    let a = try random([3, 4], -2...2, seed: 46)
    // Sums kept 0.1 away from relu's kink, where the finite difference straddles two slopes.
    let b = try Tensor.zip("test", a, try random([3, 4], -1...1, seed: 47)) { x, y in
      let sum = x + y
      return (sum >= 0 ? Swift.max(sum, 0.1) : Swift.min(sum, -0.1)) - x
    }
    try checkGradients([a, b]) { try Variable.rectifiedSum($0[0], $0[1]) }
    func run(_ fused: Bool) throws -> [Tensor] {
      let (x, y) = (Variable(a, requiresGrad: true), Variable(b, requiresGrad: true))
      let output = fused ? try Variable.rectifiedSum(x, y) : try (x + y).relu()
      try (output * Variable.constant(try random([3, 4], seed: 48))).sum().backward()
      return [output.value, try #require(x.grad), try #require(y.grad)]
    }
    let (fused, composed) = (try run(true), try run(false))
    #expect(fused[0].scalars.contains(0) && fused[0].scalars.contains { $0 > 0 })
    for (u, v) in Swift.zip(fused, composed) { #expect(u.scalars == v.scalars) }
    // Broadcast operands take the two ops.
    let row = try random([4], seed: 49)
    try checkGradients([a, row.map { $0 + 3 }]) { try Variable.rectifiedSum($0[0], $0[1]) }
  }

  @Test("layer normalisation over the last axis")
  func layerNorm() throws {
    let x = try random([2, 3, 5], -2...2, seed: 25)
    let scale = try random([5], 0.5...1.5, seed: 26)
    let shift = try random([5], seed: 27)
    try checkGradients([x, scale, shift]) { try $0[0].layerNormalized(scale: $0[1], shift: $0[2], epsilon: 1e-5) }
  }

  @Test("losses: cross-entropy, negative log-likelihood, BCE with logits, mean squared error")
  func losses() throws {
    let logits = try random([4, 3], -2...2, seed: 28)
    try checkGradients([logits]) { try $0[0].crossEntropy(targets: [2, 0, 1, 2]) }
    try checkGradients([logits]) { try $0[0].logSoftmax(alongAxis: 1).negativeLogLikelihood(targets: [1, 1, 0, 2]) }
    let targets = try random([4, 3], 0...1, seed: 29)
    try checkGradients([logits]) { try $0[0].binaryCrossEntropyWithLogits(targets: targets) }
    try checkGradients([logits]) { try $0[0].meanSquaredError(targets: targets) }
  }

  @Test("the fused LSTM sequence: projected gates and the recurrent weight")
  func lstmSequence() throws {
    let projected = try random([2, 4, 12], -1.5...1.5, seed: 30)
    let weight = try random([12, 3], seed: 31)
    try checkGradients([projected, weight]) { try $0[0].lstmSequence(hiddenWeight: $0[1]) }
  }
}
