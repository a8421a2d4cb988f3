extension Tensor {
  /// A tensor of `shape` filled with `value`.
  public static func full(_ shape: [Int], _ value: Float) throws(TensorError) -> Tensor {
    Tensor(shape: shape, storage: TensorStorage(repeating: value, count: try elementCount("full", shape)))
  }

  public static func zeros(_ shape: [Int]) throws(TensorError) -> Tensor { try full(shape, 0) }
  public static func ones(_ shape: [Int]) throws(TensorError) -> Tensor { try full(shape, 1) }

  /// `start, start + step, …` below `end` (shape `[n]`), like `torch.arange`.
  public static func arange(_ start: Float, _ end: Float, step: Float = 1) throws(TensorError) -> Tensor {
    guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
      throw TensorError("arange", "needs finite bounds and a non-zero step")
    }
    let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    let storage = TensorStorage(count: count)
    for index in 0..<count { storage.base[index] = start + Float(index) * step }
    return Tensor(shape: [count], storage: storage)
  }

  /// Values drawn uniformly from [low, high).
  public static func uniform(
    _ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator
  ) throws(TensorError) -> Tensor {
    let storage = TensorStorage(count: try elementCount("uniform", shape))
    let width = high - low
    for index in 0..<storage.count { storage.base[index] = low + width * generator.nextUnitFloat() }
    return Tensor(shape: shape, storage: storage)
  }

  /// Values drawn from a normal distribution with the given mean and standard deviation.
  public static func normal(
    _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, generator: inout RandomGenerator
  ) throws(TensorError) -> Tensor {
    let storage = TensorStorage(count: try elementCount("normal", shape))
    for index in 0..<storage.count { storage.base[index] = mean + standardDeviation * generator.nextNormal() }
    return Tensor(shape: shape, storage: storage)
  }
}
