extension Tensor {
  /// Joins tensors along an existing axis; all other dimensions must agree.
  public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) throws(TensorError) -> Tensor {
    guard let first = tensors.first else { throw TensorError("concatenate", "needs at least one tensor") }
    let resolved = axis < 0 ? axis + first.rank : axis
    guard resolved >= 0, resolved < first.rank else {
      throw TensorError("concatenate", "has no axis \(axis) for shape \(describe(first.shape))")
    }
    var shape = first.shape
    shape[resolved] = 0
    for tensor in tensors {
      var expected = first.shape
      expected[resolved] = tensor.rank == first.rank ? tensor.shape[resolved] : -1
      guard tensor.shape == expected else {
        throw .shapes("concatenate", first.shape, tensor.shape, "shapes differ outside axis \(resolved)")
      }
      shape[resolved] += tensor.shape[resolved]
    }
    let outer = first.shape[..<resolved].reduce(1, *)
    let inner = first.shape[(resolved + 1)...].reduce(1, *)
    let result = TensorStorage(count: try elementCount("concatenate", shape))
    var position = 0
    for o in 0..<outer {
      for tensor in tensors {
        let run = tensor.shape[resolved] * inner
        (result.base + position).update(from: tensor.storage.base + o * run, count: run)
        position += run
      }
    }
    return Tensor(shape: shape, storage: result)
  }

  /// Joins same-shaped tensors along a new leading axis.
  public static func stack(_ tensors: [Tensor]) throws(TensorError) -> Tensor {
    guard let first = tensors.first else { throw TensorError("stack", "needs at least one tensor") }
    var expanded: [Tensor] = []
    for tensor in tensors {
      guard tensor.shape == first.shape else { throw .shapes("stack", first.shape, tensor.shape, "shapes differ") }
      expanded.append(try tensor.reshaped([1] + tensor.shape))
    }
    return try concatenate(expanded, alongAxis: 0)
  }

  /// The rows (slices along the first axis) at `indices`, in that order; repeats allowed.
  public func selectingRows(_ indices: [Int]) throws(TensorError) -> Tensor {
    guard rank >= 1 else { throw TensorError("selectingRows", "needs at least one axis") }
    let rowSize = count / Swift.max(shape[0], 1)
    var newShape = shape
    newShape[0] = indices.count
    let result = TensorStorage(count: indices.count * rowSize)
    for (position, index) in indices.enumerated() {
      guard index >= 0, index < shape[0] else {
        throw TensorError("selectingRows", "index \(index) is out of range for \(shape[0]) rows")
      }
      (result.base + position * rowSize).update(from: storage.base + index * rowSize, count: rowSize)
    }
    return Tensor(shape: newShape, storage: result)
  }

  /// 1 where the elements compare as asked, else 0 (broadcasting).
  public func isGreater(than other: Tensor) throws(TensorError) -> Tensor {
    try Self.broadcasting(">", self, other) { $0 > $1 ? 1 : 0 }
  }

  public func isEqual(to other: Tensor) throws(TensorError) -> Tensor {
    try Self.broadcasting("==", self, other) { $0 == $1 ? 1 : 0 }
  }

  /// Elements of `chosen` where `condition` is non-zero, else of `other` (all three broadcast).
  /// Picks rather than multiplies by a mask, so an infinite value that is not chosen stays out.
  public static func selecting(
    where condition: Tensor, _ chosen: Tensor, otherwise other: Tensor
  ) throws(TensorError) -> Tensor {
    let shape = try broadcastShape(
      try broadcastShape(condition.shape, chosen.shape, operation: "where"), other.shape, operation: "where")
    let zeros = try Tensor.zeros(shape)
    let (mask, first, second) = (try zeros + condition, try zeros + chosen, try zeros + other)
    let result = TensorStorage(count: zeros.count)
    for index in 0..<zeros.count {
      result.base[index] = mask.storage.base[index] != 0 ? first.storage.base[index] : second.storage.base[index]
    }
    return Tensor(shape: shape, storage: result)
  }
}
