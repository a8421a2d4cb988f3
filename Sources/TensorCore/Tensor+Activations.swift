extension Tensor {
  /// tanh by a rational minimax approximation (the one Eigen uses for Float): a few ulp from
  /// the exact value and, unlike libm's `tanhf`, a straight-line loop the compiler vectorises —
  /// tanh dominates small tanh networks otherwise.
  public func fastTanh() -> Tensor {
    let result = TensorStorage(count: count)
    Self.fastTanh(storage.base, result.base, count)
    return Tensor(shape: shape, storage: result)
  }

  static func fastTanh(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
    for index in 0..<count { output[index] = Self.tanhApproximation(input[index]) }
  }

  @inline(__always)
  static func tanhApproximation(_ value: Float) -> Float {
    // Beyond ±7.9053 the approximation is exactly ±1 in Float; below 4e-4, tanh(x) = x to
    // Float precision.
    let x = Swift.min(Swift.max(value, -7.905_311_107_635_498), 7.905_311_107_635_498)
    let x2 = x * x
    var p: Float = -2.760_768_477_423_55e-16
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    p *= x
    var q: Float = 1.198_258_394_667_02e-06
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    let approximation = p / q
    return abs(value) < 4e-4 ? value : approximation
  }

  /// `body(g, x, y)` over three same-shaped tensors in one pass: a gradient rule's
  /// "incoming gradient × derivative from the input and output" without an intermediate tensor.
  public static func combine(
    _ operation: String, _ gradient: Tensor, _ input: Tensor, _ output: Tensor,
    _ body: (Float, Float, Float) -> Float
  ) throws(TensorError) -> Tensor {
    guard gradient.shape == input.shape, input.shape == output.shape else {
      throw .shapes(operation, gradient.shape, input.shape, "shapes differ")
    }
    let result = TensorStorage(count: input.count)
    let (g, x, y) = (gradient.storage.base, input.storage.base, output.storage.base)
    for index in 0..<input.count { result.base[index] = body(g[index], x[index], y[index]) }
    return Tensor(shape: input.shape, storage: result)
  }

  // Gradient kernels for the common activations: one vectorised pass each, from the saved
  // output (tanh, sigmoid) or input (relu).

  /// g · (1 − y²) for y = tanh(x).
  public static func tanhGradient(_ gradient: Tensor, output: Tensor) throws(TensorError) -> Tensor {
    try zip("tanh", gradient, output) { g, y in g * (1 - y * y) }
  }

  /// g · y · (1 − y) for y = sigmoid(x).
  public static func sigmoidGradient(_ gradient: Tensor, output: Tensor) throws(TensorError) -> Tensor {
    try zip("sigmoid", gradient, output) { g, y in g * y * (1 - y) }
  }

  /// `relu(lhs + rhs)` in one pass over same-shaped tensors (a residual block's end: one
  /// read of each operand and one write, where the two ops write and re-read the sum).
  public static func rectifiedSum(_ lhs: Tensor, _ rhs: Tensor) throws(TensorError) -> Tensor {
    try zip("rectifiedSum", lhs, rhs) { a, b in
      let sum = a + b
      return sum > 0 ? sum : 0
    }
  }

  /// g where x > 0, else 0.
  public static func reluGradient(_ gradient: Tensor, input: Tensor) throws(TensorError) -> Tensor {
    try zip("relu", gradient, input) { g, x in x > 0 ? g : 0 }
  }
}
