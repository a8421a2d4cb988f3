extension Tensor {
  /// The axes reordered: result dimension `i` is this tensor's dimension `axes[i]` (a copy in
  /// the new row-major order, as PyTorch's `permute(...).contiguous()`).
  public func permuted(_ axes: [Int]) throws(TensorError) -> Tensor {
    guard axes.count == rank, Set(axes) == Set(0..<rank) else {
      throw TensorError(
        "permute", "needs a reordering of 0..<\(rank) but got \(axes) for shape \(Self.describe(shape))")
    }
    if axes == Array(0..<rank) { return self }
    let newShape = axes.map { shape[$0] }
    var sourceStrides = [Int](repeating: 1, count: rank)
    for dimension in stride(from: rank - 2, through: 0, by: -1) {
      sourceStrides[dimension] = sourceStrides[dimension + 1] * shape[dimension + 1]
    }
    let strides = axes.map { sourceStrides[$0] }
    let result = TensorStorage(count: count)
    if count == 0 { return Tensor(shape: newShape, storage: result) }
    let source = storage.base
    let out = result.base
    let inner = newShape[rank - 1]
    let innerStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var position = 0
    while position < count {
      var offset = 0
      for dimension in 0..<(rank - 1) { offset += index[dimension] * strides[dimension] }
      for column in 0..<inner { out[position + column] = source[offset + column * innerStride] }
      position += inner
      Self.advanceOuterIndex(&index, within: newShape)
    }
    return Tensor(shape: newShape, storage: result)
  }

  /// Two axes swapped (see `permuted`).
  public func transposed(_ first: Int, _ second: Int) throws(TensorError) -> Tensor {
    let a = first < 0 ? first + rank : first
    let b = second < 0 ? second + rank : second
    guard a >= 0, a < rank, b >= 0, b < rank else {
      throw TensorError("transpose", "has no axes \(first) and \(second) for shape \(Self.describe(shape))")
    }
    var axes = Array(0..<rank)
    axes.swapAt(a, b)
    return try permuted(axes)
  }

  /// The elements whose index along `axis` lies in `range`.
  public func sliced(alongAxis axis: Int, _ range: Range<Int>) throws(TensorError) -> Tensor {
    let (outer, size, inner, resolved) = try axisSplit("slice", axis: axis)
    guard range.lowerBound >= 0, range.upperBound <= size else {
      throw TensorError("slice", "range \(range) is outside axis \(resolved) of shape \(Self.describe(shape))")
    }
    var newShape = shape
    newShape[resolved] = range.count
    let result = TensorStorage(count: outer * range.count * inner)
    let block = range.count * inner
    for o in 0..<outer {
      (result.base + o * block).initialize(from: storage.base + (o * size + range.lowerBound) * inner, count: block)
    }
    return Tensor(shape: newShape, storage: result)
  }

  /// The inverse of `sliced` for gradients: this tensor placed at `range` along `axis` of a zero
  /// tensor of `fullShape`.
  public func unsliced(alongAxis axis: Int, _ range: Range<Int>, into fullShape: [Int]) throws(TensorError) -> Tensor {
    var result = try Tensor.zeros(fullShape)
    let (outer, size, inner, resolved) = try result.axisSplit("unslice", axis: axis)
    var expected = fullShape
    expected[resolved] = range.count
    guard expected == shape, range.upperBound <= size, range.lowerBound >= 0 else {
      throw .shapes("unslice", shape, fullShape, "slice does not fit")
    }
    let block = range.count * inner
    let source = storage.base
    result.withUnsafeMutableBufferPointer { out in
      for o in 0..<outer {
        (out.baseAddress! + (o * size + range.lowerBound) * inner).update(from: source + o * block, count: block)
      }
    }
    return result
  }

  /// Sums a broadcast result back to `target` (the shape an operand had before broadcasting),
  /// which is how every broadcasting op routes its gradient.
  public func reduced(toShape target: [Int]) throws(TensorError) -> Tensor {
    if shape == target { return self }
    guard target.count <= rank else { throw .shapes("reduce to shape", shape, target, "cannot reduce") }
    let padded = [Int](repeating: 1, count: rank - target.count) + target
    for (size, wanted) in Swift.zip(shape, padded) where wanted != 1 && wanted != size {
      throw .shapes("reduce to shape", shape, target, "cannot reduce")
    }
    if target.reduce(1, *) == 1 { return try sum().reshaped(target) }
    if shape.suffix(target.count).elementsEqual(target), let block = Optional(target.reduce(1, *)), block > 0 {
      // A bias's gradient: the rows of a batch summed into one row.
      // Rows are added in order, each column in its own lane, so the sums round as a plain loop's.
      let result = TensorStorage(repeating: 0, count: block)
      let total = result.base
      for start in stride(from: 0, to: count, by: block) {
        let row = UnsafePointer(storage.base + start)
        for column in 0..<block { total[column] += row[column] }
      }
      return Tensor(shape: target, storage: result)
    }
    let result = TensorStorage(repeating: 0, count: padded.reduce(1, *))
    let strides = Self.broadcastStrides(padded, to: shape)
    let source = storage.base
    let out = result.base
    let inner = shape[rank - 1]
    let innerStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var position = 0
    while position < count {
      var offset = 0
      for dimension in 0..<(rank - 1) { offset += index[dimension] * strides[dimension] }
      if innerStride == 0 {
        var total: Float = 0
        for column in 0..<inner { total += source[position + column] }
        out[offset] += total
      } else {
        for column in 0..<inner { out[offset + column] += source[position + column] }
      }
      position += inner
      Self.advanceOuterIndex(&index, within: shape)
    }
    return Tensor(shape: target, storage: result)
  }

  /// This tensor broadcast to `target` (a copy).
  public func broadcast(to target: [Int]) throws(TensorError) -> Tensor {
    if shape == target { return self }
    return try Self.broadcasting("broadcast", self, Tensor.zeros(target)) { value, _ in value }
  }

  /// Steps an odometer over every dimension but the last (which the callers walk as a plain
  /// inner loop) to the next position in row-major order.
  @inline(__always)
  static func advanceOuterIndex(_ index: inout [Int], within shape: [Int]) {
    var dimension = shape.count - 2
    while dimension >= 0 {
      index[dimension] += 1
      if index[dimension] < shape[dimension] { return }
      index[dimension] = 0
      dimension -= 1
    }
  }

  /// The sizes before, along and after an axis, and the axis counted from the front.
  func axisSplit(_ operation: String, axis: Int) throws(TensorError) -> (Int, Int, Int, Int) {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else {
      throw TensorError(operation, "has no axis \(axis) for shape \(Self.describe(shape))")
    }
    let outer = shape[..<resolved].reduce(1, *)
    let inner = shape[(resolved + 1)...].reduce(1, *)
    return (outer, shape[resolved], inner, resolved)
  }
}
