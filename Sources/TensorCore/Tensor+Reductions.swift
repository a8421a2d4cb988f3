import Glibc

extension Tensor {
  /// The sum of all elements (shape `[]`), accumulated in Double for accuracy.
  public func sum() -> Tensor {
    var total = 0.0
    for index in 0..<count { total += Double(storage.base[index]) }
    return Tensor(Float(total))
  }

  public func mean() -> Tensor {
    Tensor(count == 0 ? .nan : (sum().scalar ?? 0) / Float(count))
  }

  /// Sums along one axis (negative counts from the end); the axis is kept with size 1 when
  /// `keepingDimension`.
  public func sum(alongAxis axis: Int, keepingDimension: Bool = false) throws(TensorError) -> Tensor {
    try reduce("sum", axis: axis, keepingDimension: keepingDimension, initial: 0) { $0 + $1 }
  }

  /// The largest element along one axis.
  public func max(alongAxis axis: Int, keepingDimension: Bool = false) throws(TensorError) -> Tensor {
    try reduce("max", axis: axis, keepingDimension: keepingDimension, initial: -.infinity) { Swift.max($0, $1) }
  }

  /// The index of the largest element along one axis (the first, on ties), as Floats.
  public func argmax(alongAxis axis: Int) throws(TensorError) -> Tensor {
    let (outer, size, inner, resolved) = try axisSplit("argmax", axis: axis)
    var shape = self.shape
    shape.remove(at: resolved)
    let result = TensorStorage(count: outer * inner)
    for o in 0..<outer {
      for i in 0..<inner {
        var best = -Float.infinity
        var bestIndex = 0
        for k in 0..<size {
          let value = storage.base[(o * size + k) * inner + i]
          if k == 0 || value > best {
            best = value
            bestIndex = k
          }
        }
        result.base[o * inner + i] = Float(bestIndex)
      }
    }
    return Tensor(shape: shape, storage: result)
  }

  /// log(softmax(x)) along an axis, computed as (x - max) - log(sum(exp(x - max))) so large
  /// logits neither overflow nor lose precision.
  public func logSoftmax(alongAxis axis: Int) throws(TensorError) -> Tensor {
    let (outer, size, inner, _) = try axisSplit("logSoftmax", axis: axis)
    let result = TensorStorage(count: count)
    if inner == 1 {
      // Rows along the last axis: contiguous, so every pass is a SIMD loop.
      for o in 0..<outer {
        let x = storage.base + o * size
        let out = result.base + o * size
        let largest = VectorMath.maximum(x, size)
        for k in 0..<size { out[k] = VectorMath.exp(x[k] - largest) }
        let logTotal = logf(VectorMath.sum(out, size))
        for k in 0..<size { out[k] = (x[k] - largest) - logTotal }
      }
      return Tensor(shape: shape, storage: result)
    }
    for o in 0..<outer {
      for i in 0..<inner {
        var largest = -Float.infinity
        for k in 0..<size { largest = Swift.max(largest, storage.base[(o * size + k) * inner + i]) }
        var total: Float = 0
        for k in 0..<size { total += VectorMath.exp(storage.base[(o * size + k) * inner + i] - largest) }
        // (x - max) - log Σ: subtracting max first keeps the result exact for large logits.
        let logTotal = logf(total)
        for k in 0..<size {
          let position = (o * size + k) * inner + i
          result.base[position] = (storage.base[position] - largest) - logTotal
        }
      }
    }
    return Tensor(shape: shape, storage: result)
  }

  public func softmax(alongAxis axis: Int) throws(TensorError) -> Tensor {
    try logSoftmax(alongAxis: axis).exp()
  }

  private func reduce(
    _ operation: String, axis: Int, keepingDimension: Bool, initial: Float, _ combine: (Float, Float) -> Float
  ) throws(TensorError) -> Tensor {
    let (outer, size, inner, resolved) = try axisSplit(operation, axis: axis)
    var shape = self.shape
    if keepingDimension { shape[resolved] = 1 } else { shape.remove(at: resolved) }
    let result = TensorStorage(repeating: initial, count: outer * inner)
    for o in 0..<outer {
      for k in 0..<size {
        let row = storage.base + (o * size + k) * inner
        let out = result.base + o * inner
        for i in 0..<inner { out[i] = combine(out[i], row[i]) }
      }
    }
    return Tensor(shape: shape, storage: result)
  }
}
