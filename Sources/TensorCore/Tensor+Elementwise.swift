import Glibc

extension Tensor {
  /// The shape two operands broadcast to (NumPy/PyTorch rules: align trailing dimensions; a
  /// dimension of 1 stretches).
  public static func broadcastShape(_ lhs: [Int], _ rhs: [Int], operation: String) throws(TensorError) -> [Int] {
    let rank = Swift.max(lhs.count, rhs.count)
    var result = [Int](repeating: 1, count: rank)
    for offset in 0..<rank {
      let left = offset < lhs.count ? lhs[lhs.count - 1 - offset] : 1
      let right = offset < rhs.count ? rhs[rhs.count - 1 - offset] : 1
      guard left == right || left == 1 || right == 1 else {
        throw .shapes(operation, lhs, rhs, "cannot broadcast shapes")
      }
      result[rank - 1 - offset] = left == 1 ? right : left
    }
    return result
  }

  /// Applies `body` to matching elements of two tensors broadcast to a common shape.
  /// Always inlined, so each operator gets its own copy with `body` inlined into the loops
  /// (which then vectorise) instead of a closure call per element.
  @inline(__always)
  static func broadcasting(
    _ operation: String, _ lhs: Tensor, _ rhs: Tensor, _ body: (Float, Float) -> Float
  ) throws(TensorError) -> Tensor {
    let shape = try broadcastShape(lhs.shape, rhs.shape, operation: operation)
    let result = TensorStorage(count: try elementCount(operation, shape))
    let out = result.base
    let a = lhs.storage.base
    let b = rhs.storage.base
    if lhs.shape == rhs.shape {
      for index in 0..<result.count { out[index] = body(a[index], b[index]) }
    } else if rhs.count == 1 {
      let value = b[0]
      for index in 0..<result.count { out[index] = body(a[index], value) }
    } else if lhs.count == 1 {
      let value = a[0]
      for index in 0..<result.count { out[index] = body(value, b[index]) }
    } else if lhs.count == result.count, rhs.count > 0, lhs.shape.suffix(rhs.rank) == rhs.shape[...] {
      // A row (or trailing block) repeated over the leading dimensions: a bias added to a batch.
      let block = rhs.count
      for start in stride(from: 0, to: result.count, by: block) {
        for column in 0..<block { out[start + column] = body(a[start + column], b[column]) }
      }
    } else {
      let leftStrides = broadcastStrides(lhs.shape, to: shape)
      let rightStrides = broadcastStrides(rhs.shape, to: shape)
      // Walk the output in order with an odometer over its indices; the innermost dimension
      // runs as a plain loop.
      let inner = shape.last ?? 1
      let innerLeft = leftStrides.last ?? 0
      let innerRight = rightStrides.last ?? 0
      var index = [Int](repeating: 0, count: shape.count)
      var position = 0
      while position < result.count {
        var left = 0
        var right = 0
        for dimension in 0..<(shape.count - 1) {
          left += index[dimension] * leftStrides[dimension]
          right += index[dimension] * rightStrides[dimension]
        }
        for column in 0..<inner {
          out[position + column] = body(a[left + column * innerLeft], b[right + column * innerRight])
        }
        position += inner
        advanceOuterIndex(&index, within: shape)
      }
    }
    return Tensor(shape: shape, storage: result)
  }

  /// Row-major strides of `shape` as seen from a broadcast `target` shape (0 where it stretches).
  static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: target.count)
    var stride = 1
    for offset in 0..<shape.count {
      let dimension = shape.count - 1 - offset
      let targetDimension = target.count - 1 - offset
      strides[targetDimension] = shape[dimension] == 1 ? 0 : stride
      stride *= shape[dimension]
    }
    return strides
  }

  /// A new tensor with `body` applied to every element.
  @inline(__always)
  public func map(_ body: (Float) -> Float) -> Tensor {
    let result = TensorStorage(count: count)
    for index in 0..<count { result.base[index] = body(storage.base[index]) }
    return Tensor(shape: shape, storage: result)
  }

  /// `body` applied to matching elements of two tensors of the same shape (no broadcasting:
  /// gradient rules combine a saved value with an incoming gradient this way).
  @inline(__always)
  public static func zip(
    _ operation: String, _ lhs: Tensor, _ rhs: Tensor, _ body: (Float, Float) -> Float
  ) throws(TensorError) -> Tensor {
    guard lhs.shape == rhs.shape else { throw .shapes(operation, lhs.shape, rhs.shape, "shapes differ") }
    let result = TensorStorage(count: lhs.count)
    let a = lhs.storage.base
    let b = rhs.storage.base
    for index in 0..<lhs.count { result.base[index] = body(a[index], b[index]) }
    return Tensor(shape: lhs.shape, storage: result)
  }

  public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
    try broadcasting("+", lhs, rhs, +)
  }
  public static func - (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
    try broadcasting("-", lhs, rhs, -)
  }
  public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
    try broadcasting("*", lhs, rhs, *)
  }
  public static func / (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
    try broadcasting("/", lhs, rhs, /)
  }
  public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

  public func maximum(_ other: Tensor) throws(TensorError) -> Tensor {
    try Self.broadcasting("maximum", self, other) { Swift.max($0, $1) }
  }

  public func exp() -> Tensor {
    let result = TensorStorage(count: count)
    VectorMath.exp(storage.base, result.base, count)
    return Tensor(shape: shape, storage: result)
  }
  public func log() -> Tensor { map { Glibc.logf($0) } }
  public func tanh() -> Tensor { fastTanh() }
  public func squareRoot() -> Tensor { map { $0.squareRoot() } }
  public func relu() -> Tensor { map { $0 > 0 ? $0 : 0 } }
  /// 1 / (1 + e^-x), computed without overflow for large |x|.
  public func sigmoid() -> Tensor {
    map { x in
      let e = VectorMath.exp(-Swift.abs(x))
      return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
  }
}
