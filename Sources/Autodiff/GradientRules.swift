import Glibc
import TensorCore

// Every differentiable primitive, each with its forward computation and the rule that sends the
// gradient of its output back to its inputs, so a reviewer can check each rule against its
// derivation (and `GradientRuleTests` checks each against finite differences). The spatial ops
// (convolution, pooling) are in `ConvolutionRules.swift` and the fused recurrent layer in
// `RecurrentRules.swift`, beside the kernels they route.

extension Variable {
  /// The result of an op: recorded with its backward rule when recording is on and an input
  /// requires a gradient, a plain constant otherwise.
  static func result(
    _ operation: String, _ value: Tensor, _ inputs: [Variable],
    backward: @escaping (Tensor) throws(TensorError) -> [Tensor?]
  ) -> Variable {
    guard GradientMode.isRecording, inputs.contains(where: \.requiresGrad) else { return Variable(value) }
    return Variable(value, recording: Recording(operation: operation, inputs: inputs, backward: backward))
  }

  /// A constant (no gradient), for scalars and masks mixed into expressions.
  public static func constant(_ value: Tensor) -> Variable { Variable(value) }

  // MARK: - Arithmetic with broadcasting

  public static func + (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable {
    let (a, b) = (lhs.shape, rhs.shape)
    let (needsLeft, needsRight) = (lhs.requiresGrad, rhs.requiresGrad)
    return result("+", try lhs.value + rhs.value, [lhs, rhs]) { gradient throws(TensorError) in
      [needsLeft ? try gradient.reduced(toShape: a) : nil, needsRight ? try gradient.reduced(toShape: b) : nil]
    }
  }

  public static func - (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable {
    let (a, b) = (lhs.shape, rhs.shape)
    let (needsLeft, needsRight) = (lhs.requiresGrad, rhs.requiresGrad)
    return result("-", try lhs.value - rhs.value, [lhs, rhs]) { gradient throws(TensorError) in
      [needsLeft ? try gradient.reduced(toShape: a) : nil, needsRight ? try (-gradient).reduced(toShape: b) : nil]
    }
  }

  public static func * (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable {
    let (x, y) = (lhs.value, rhs.value)
    let (needsLeft, needsRight) = (lhs.requiresGrad, rhs.requiresGrad)
    return result("*", try x * y, [lhs, rhs]) { gradient throws(TensorError) in
      [
        needsLeft ? try (gradient * y).reduced(toShape: x.shape) : nil,
        needsRight ? try (gradient * x).reduced(toShape: y.shape) : nil,
      ]
    }
  }

  public static func / (lhs: Variable, rhs: Variable) throws(TensorError) -> Variable {
    let (x, y) = (lhs.value, rhs.value)
    let (needsLeft, needsRight) = (lhs.requiresGrad, rhs.requiresGrad)
    let quotient = try x / y
    return result("/", quotient, [lhs, rhs]) { gradient throws(TensorError) in
      [
        needsLeft ? try (gradient / y).reduced(toShape: x.shape) : nil,
        needsRight ? try (-(gradient * quotient) / y).reduced(toShape: y.shape) : nil,
      ]
    }
  }

  public static prefix func - (operand: Variable) -> Variable {
    result("negate", -operand.value, [operand]) { gradient in [-gradient] }
  }

  public static func * (lhs: Variable, rhs: Float) -> Variable {
    result("scale", lhs.value.map { $0 * rhs }, [lhs]) { gradient in [gradient.map { $0 * rhs }] }
  }

  public static func + (lhs: Variable, rhs: Float) -> Variable {
    result("shift", lhs.value.map { $0 + rhs }, [lhs]) { gradient in [gradient] }
  }

  // MARK: - Elementwise functions

  /// An elementwise function whose derivative is computed from the input and the output.
  private func elementwise(
    _ operation: String, _ output: Tensor, derivative: @escaping (Float, Float) -> Float
  ) -> Variable {
    let input = value
    return Self.result(operation, output, [self]) { gradient throws(TensorError) in
      [try Tensor.combine(operation, gradient, input, output) { g, x, y in g * derivative(x, y) }]
    }
  }

  private func elementwise(
    _ operation: String, _ function: (Float) -> Float, derivative: @escaping (Float, Float) -> Float
  ) -> Variable {
    elementwise(operation, value.map(function), derivative: derivative)
  }

  public func exp() -> Variable { elementwise("exp", { expf($0) }, derivative: { _, y in y }) }
  public func log() -> Variable { elementwise("log", { logf($0) }, derivative: { x, _ in 1 / x }) }
  public func tanh() -> Variable {
    let output = value.fastTanh()
    return Self.result("tanh", output, [self]) { gradient throws(TensorError) in
      [try Tensor.tanhGradient(gradient, output: output)]
    }
  }
  public func squareRoot() -> Variable {
    elementwise("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y })
  }
  public func squared() -> Variable { elementwise("square", { $0 * $0 }, derivative: { x, _ in 2 * x }) }
  public func relu() -> Variable {
    let input = value
    return Self.result("relu", value.relu(), [self]) { gradient throws(TensorError) in
      [try Tensor.reluGradient(gradient, input: input)]
    }
  }
  /// `(lhs + rhs).relu()` in one pass and one graph node when the shapes are equal (a
  /// residual block's end); other shapes take the two ops. The mask comes from the output
  /// (positive exactly where the sum was), so nothing more is saved than relu saves.
  public static func rectifiedSum(_ lhs: Variable, _ rhs: Variable) throws(TensorError) -> Variable {
    guard lhs.shape == rhs.shape else { return try (lhs + rhs).relu() }
    let output = try Tensor.rectifiedSum(lhs.value, rhs.value)
    let (needsLeft, needsRight) = (lhs.requiresGrad, rhs.requiresGrad)
    return result("addReLU", output, [lhs, rhs]) { gradient throws(TensorError) in
      let masked = try Tensor.reluGradient(gradient, input: output)
      return [needsLeft ? masked : nil, needsRight ? masked : nil]
    }
  }
  public func sigmoid() -> Variable {
    let output = value.sigmoid()
    return Self.result("sigmoid", output, [self]) { gradient throws(TensorError) in
      [try Tensor.sigmoidGradient(gradient, output: output)]
    }
  }
  /// GELU with the exact error function, as PyTorch's default `approximate='none'`.
  public func gelu() -> Variable {
    elementwise(
      "gelu", { x in 0.5 * x * (1 + erff(x * Float(0.5).squareRoot())) },
      derivative: { x, _ in
        let cdf = 0.5 * (1 + erff(x * Float(0.5).squareRoot()))
        let density = expf(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
        return cdf + x * density
      })
  }

  // MARK: - Reductions

  /// The sum of all elements.
  public func sum() -> Variable {
    let shape = self.shape
    return Self.result("sum", value.sum(), [self]) { gradient throws(TensorError) in
      [try Tensor.full(shape, gradient.scalar ?? 0)]
    }
  }

  public func mean() -> Variable {
    let shape = self.shape
    let count = Float(value.count)
    return Self.result("mean", value.mean(), [self]) { gradient throws(TensorError) in
      [try Tensor.full(shape, (gradient.scalar ?? 0) / count)]
    }
  }

  public func sum(alongAxis axis: Int, keepingDimension: Bool = false) throws(TensorError) -> Variable {
    let shape = self.shape
    let kept = try value.sum(alongAxis: axis, keepingDimension: true)
    let keptShape = kept.shape
    // The kept axis has size 1, so dropping it is a free reshape, not a second reduction.
    var droppedShape = keptShape
    droppedShape.remove(at: axis < 0 ? axis + shape.count : axis)
    let output = keepingDimension ? kept : try kept.reshaped(droppedShape)
    return Self.result("sum", output, [self]) { gradient throws(TensorError) in
      [try gradient.reshaped(keptShape).broadcast(to: shape)]
    }
  }

  public func mean(alongAxis axis: Int, keepingDimension: Bool = false) throws(TensorError) -> Variable {
    let resolved = axis < 0 ? axis + shape.count : axis
    let size = resolved >= 0 && resolved < shape.count ? shape[resolved] : 1
    return try sum(alongAxis: axis, keepingDimension: keepingDimension) * (1 / Float(Swift.max(size, 1)))
  }

  // MARK: - Softmax

  public func logSoftmax(alongAxis axis: Int) throws(TensorError) -> Variable {
    let output = try value.logSoftmax(alongAxis: axis)
    return Self.result("logSoftmax", output, [self]) { gradient throws(TensorError) in
      // d/dx = g - softmax · Σ g
      let total = try gradient.sum(alongAxis: axis, keepingDimension: true)
      return [try gradient - output.exp() * total]
    }
  }

  public func softmax(alongAxis axis: Int) throws(TensorError) -> Variable {
    let output = try value.softmax(alongAxis: axis)
    return Self.result("softmax", output, [self]) { gradient throws(TensorError) in
      // d/dx = y · (g - Σ g·y)
      let weighted = try (gradient * output).sum(alongAxis: axis, keepingDimension: true)
      return [try output * (gradient - weighted)]
    }
  }

  // MARK: - Products

  /// The matrix product, optionally of transposed operands (see `Tensor.matmul`). A batch
  /// `[b, m, k]` times a shared matrix `[k, n]` runs as one `[b·m, k]` product.
  public func matmul(
    _ other: Variable, transposingSelf: Bool = false, transposingOther: Bool = false
  ) throws(TensorError) -> Variable {
    if shape.count == 3, other.shape.count == 2, !transposingSelf {
      let (batch, rows) = (shape[0], shape[1])
      let flat = try reshaped([batch * rows, shape[2]])
      let product = try flat.matmul(other, transposingOther: transposingOther)
      return try product.reshaped([batch, rows, product.shape[1]])
    }
    let (a, b) = (value, other.value)
    let (needsLeft, needsRight) = (requiresGrad, other.requiresGrad)
    let output = try a.matmul(b, transposingSelf: transposingSelf, transposingOther: transposingOther)
    return Self.result("matmul", output, [self, other]) { g throws(TensorError) in
      let left: Tensor?
      let right: Tensor?
      switch (transposingSelf, transposingOther) {
      case (false, false):
        left = needsLeft ? try g.matmul(b, transposingOther: true) : nil
        right = needsRight ? try a.matmul(g, transposingSelf: true) : nil
      case (true, false):
        left = needsLeft ? try b.matmul(g, transposingOther: true) : nil
        right = needsRight ? try a.matmul(g) : nil
      case (false, true):
        left = needsLeft ? try g.matmul(b) : nil
        right = needsRight ? try g.matmul(a, transposingSelf: true) : nil
      case (true, true):
        left = needsLeft ? try b.matmul(g, transposingSelf: true, transposingOther: true) : nil
        right = needsRight ? try g.matmul(a, transposingSelf: true, transposingOther: true) : nil
      }
      return [left, right]
    }
  }

  /// `x · weightᵀ + bias` over the last axis of `x` (PyTorch's `F.linear`: weight is
  /// `[out, in]`), as one GEMM.
  public func linear(weight: Variable, bias: Variable?) throws(TensorError) -> Variable {
    guard let features = shape.last, weight.shape.count == 2, weight.shape[1] == features else {
      throw TensorError(
        "linear",
        "input \(Tensor.describe(shape)) does not match weight \(Tensor.describe(weight.shape)) (needs [out, \(shape.last ?? 0)])"
      )
    }
    let leading = Array(shape.dropLast())
    let rows = leading.reduce(1, *)
    let flat = try reshaped([rows, features])
    var output: Variable
    if let bias {
      guard bias.shape == [weight.shape[0]] else {
        throw .init("linear", "bias \(Tensor.describe(bias.shape)) needs shape [\(weight.shape[0])]")
      }
      output = try flat.affine(weight: weight, bias: bias)
    } else {
      output = try flat.matmul(weight, transposingOther: true)
    }
    return leading.count == 1 ? output : try output.reshaped(leading + [weight.shape[0]])
  }

  /// `self · weightᵀ + bias` for `self` `[m, k]` as one node and one GEMM (`Tensor.affine`):
  /// the gradients are those of `matmul` then `+ bias` — the bias's is the column sums.
  func affine(weight: Variable, bias: Variable) throws(TensorError) -> Variable {
    let (x, w) = (value, weight.value)
    let (needsInput, needsWeight, needsBias) = (requiresGrad, weight.requiresGrad, bias.requiresGrad)
    let output = try x.affine(weight: w, bias: bias.value)
    return Self.result("linear", output, [self, weight, bias]) { g throws(TensorError) in
      [
        needsInput ? try g.matmul(w) : nil,
        needsWeight ? try g.matmul(x, transposingSelf: true) : nil,
        needsBias ? try g.reduced(toShape: [w.shape[0]]) : nil,
      ]
    }
  }

  // MARK: - Shape

  public func reshaped(_ shape: [Int]) throws(TensorError) -> Variable {
    let original = self.shape
    return Self.result("reshape", try value.reshaped(shape), [self]) { gradient throws(TensorError) in
      [try gradient.reshaped(original)]
    }
  }

  public func permuted(_ axes: [Int]) throws(TensorError) -> Variable {
    var inverse = [Int](repeating: 0, count: axes.count)
    for (position, axis) in axes.enumerated() where axis >= 0 && axis < axes.count { inverse[axis] = position }
    return Self.result("permute", try value.permuted(axes), [self]) { gradient throws(TensorError) in
      [try gradient.permuted(inverse)]
    }
  }

  public func transposed(_ first: Int, _ second: Int) throws(TensorError) -> Variable {
    var axes = Array(0..<shape.count)
    let a = first < 0 ? first + shape.count : first
    let b = second < 0 ? second + shape.count : second
    guard a >= 0, a < shape.count, b >= 0, b < shape.count else {
      throw TensorError("transpose", "has no axes \(first) and \(second) for shape \(Tensor.describe(shape))")
    }
    axes.swapAt(a, b)
    return try permuted(axes)
  }

  public func sliced(alongAxis axis: Int, _ range: Range<Int>) throws(TensorError) -> Variable {
    let full = shape
    return Self.result("slice", try value.sliced(alongAxis: axis, range), [self]) { gradient throws(TensorError) in
      [try gradient.unsliced(alongAxis: axis, range, into: full)]
    }
  }

  /// Joins variables along an existing axis.
  public static func concatenate(_ parts: [Variable], alongAxis axis: Int = 0) throws(TensorError) -> Variable {
    let output = try Tensor.concatenate(parts.map(\.value), alongAxis: axis)
    let sizes = parts.map { $0.shape[axis < 0 ? axis + $0.shape.count : axis] }
    return result("concatenate", output, parts) { gradient throws(TensorError) in
      var start = 0
      var gradients: [Tensor?] = []
      for size in sizes {
        gradients.append(try gradient.sliced(alongAxis: axis, start..<(start + size)))
        start += size
      }
      return gradients
    }
  }

  /// Stacks same-shaped variables along a new leading axis.
  public static func stack(_ parts: [Variable]) throws(TensorError) -> Variable {
    guard let first = parts.first else { throw TensorError("stack", "needs at least one tensor") }
    let widened = try parts.map { (part: Variable) throws(TensorError) -> Variable in
      try part.reshaped([1] + first.shape)
    }
    return try concatenate(widened, alongAxis: 0)
  }

  /// Rows of a table picked by index (an embedding lookup): `[n, d]` at `indices` gives
  /// `[indices.count, d]`; the gradient adds each picked row's gradient back into its row.
  public func selectingRows(_ indices: [Int]) throws(TensorError) -> Variable {
    let table = shape
    return Self.result("selectRows", try value.selectingRows(indices), [self]) { gradient throws(TensorError) in
      var result = try Tensor.zeros(table)
      let width = table.count > 1 ? table[1...].reduce(1, *) : 1
      gradient.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
          for (row, index) in indices.enumerated() {
            for column in 0..<width { target[index * width + column] += source[row * width + column] }
          }
        }
      }
      return [result]
    }
  }

  // MARK: - Normalisation

  /// Batch normalisation over `[N, C]` or `[N, C, H, W]`. In training mode the batch's own
  /// statistics are used and returned (so the layer can update its running averages); otherwise
  /// `running` supplies them. With `rectified`, `relu()` of the result in the same pass and one
  /// node of the graph (the BN+ReLU of a CNN: one pass over the activations fewer each way).
  public func batchNormalized(
    scale: Variable, shift: Variable, running: (mean: Tensor, variance: Tensor)?, epsilon: Float,
    rectified: Bool = false
  ) throws(TensorError) -> (output: Variable, statistics: NormalizationStatistics) {
    let usesBatch = running == nil
    let (output, statistics) =
      if let running {
        try value.batchNormalized(
          mean: running.mean, variance: running.variance, scale: scale.value, shift: shift.value, epsilon: epsilon,
          rectified: rectified)
      } else {
        try value.batchNormalized(scale: scale.value, shift: shift.value, epsilon: epsilon, rectified: rectified)
      }
    let (gamma, beta) = (scale.value, rectified ? shift.value : nil)
    let name = rectified ? "batchNormReLU" : "batchNorm"
    let variable = Self.result(name, output, [self, scale, shift]) { gradient throws(TensorError) in
      let gradients = try Tensor.batchNormGradients(
        gradient, statistics: statistics, scale: gamma, rectifiedShift: beta, usingBatchStatistics: usesBatch)
      return [gradients.input, gradients.scale, gradients.shift]
    }
    return (variable, statistics)
  }

  /// Layer normalisation over the last axis.
  public func layerNormalized(scale: Variable, shift: Variable, epsilon: Float) throws(TensorError) -> Variable {
    let (output, statistics) = try value.layerNormalized(scale: scale.value, shift: shift.value, epsilon: epsilon)
    let gamma = scale.value
    return Self.result("layerNorm", output, [self, scale, shift]) { gradient in
      let gradients = Tensor.layerNormGradients(gradient, statistics: statistics, scale: gamma)
      return [gradients.input, gradients.scale, gradients.shift]
    }
  }

  // MARK: - Losses (fused for accuracy and speed)

  /// Mean cross-entropy of logits `[N, C]` against class indices (log-softmax and negative
  /// log-likelihood in one op: its gradient is (softmax − one-hot) / N).
  public func crossEntropy(targets: [Int]) throws(TensorError) -> Variable {
    try logSoftmaxNLL("crossEntropy", targets: targets, logitsAreLogProbabilities: false)
  }

  /// Mean negative log-likelihood of log-probabilities `[N, C]` at class indices.
  public func negativeLogLikelihood(targets: [Int]) throws(TensorError) -> Variable {
    try logSoftmaxNLL("nllLoss", targets: targets, logitsAreLogProbabilities: true)
  }

  private func logSoftmaxNLL(
    _ operation: String, targets: [Int], logitsAreLogProbabilities: Bool
  ) throws(TensorError) -> Variable {
    guard shape.count == 2, shape[0] == targets.count else {
      throw TensorError(
        operation, "needs [N, C] scores and N targets but got \(Tensor.describe(shape)) and \(targets.count)")
    }
    let classes = shape[1]
    if let bad = targets.first(where: { $0 < 0 || $0 >= classes }) {
      throw TensorError(operation, "target \(bad) is outside 0..<\(classes) classes")
    }
    let logProbabilities = logitsAreLogProbabilities ? value : try value.logSoftmax(alongAxis: 1)
    let rows = targets.count
    var total = 0.0
    logProbabilities.withUnsafeBufferPointer { p in
      for (row, target) in targets.enumerated() { total -= Double(p[row * classes + target]) }
    }
    let loss = Tensor(Float(total / Double(Swift.max(rows, 1))))
    return Self.result(operation, loss, [self]) { gradient throws(TensorError) in
      let scale = (gradient.scalar ?? 0) / Float(Swift.max(rows, 1))
      var result = logitsAreLogProbabilities ? try Tensor.zeros(logProbabilities.shape) : logProbabilities.exp()
      result.withUnsafeMutableBufferPointer { g in
        for (row, target) in targets.enumerated() { g[row * classes + target] -= 1 }
        if !logitsAreLogProbabilities || scale != 1 { for index in g.indices { g[index] *= scale } }
      }
      return [result]
    }
  }

  /// Mean binary cross-entropy of logits against targets in [0, 1], computed as
  /// max(x, 0) − x·t + log(1 + e^−|x|) so no logit overflows.
  public func binaryCrossEntropyWithLogits(targets: Tensor) throws(TensorError) -> Variable {
    guard targets.shape == shape else {
      throw .init(
        "bceWithLogits", "targets \(Tensor.describe(targets.shape)) must match logits \(Tensor.describe(shape))")
    }
    let logits = value
    let terms = try Tensor.zip("bceWithLogits", logits, targets) { x, t in
      Swift.max(x, 0) - x * t + log1pf(expf(-abs(x)))
    }
    let count = Float(Swift.max(logits.count, 1))
    return Self.result("bceWithLogits", terms.mean(), [self]) { gradient throws(TensorError) in
      let scale = (gradient.scalar ?? 0) / count
      let probabilities = logits.sigmoid()
      return [try Tensor.zip("bceWithLogits", probabilities, targets) { p, t in (p - t) * scale }]
    }
  }

  /// Mean squared error against a target of the same shape.
  public func meanSquaredError(targets: Tensor) throws(TensorError) -> Variable {
    guard targets.shape == shape else {
      throw .init(
        "mseLoss", "targets \(Tensor.describe(targets.shape)) must match predictions \(Tensor.describe(shape))")
    }
    let difference = try value - targets
    let loss = try (difference * difference).mean()
    let count = Float(Swift.max(difference.count, 1))
    return Self.result("mseLoss", loss, [self]) { gradient in
      let scale = 2 * (gradient.scalar ?? 0) / count
      return [difference.map { $0 * scale }]
    }
  }
}
