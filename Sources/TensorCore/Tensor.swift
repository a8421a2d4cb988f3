/// An n-dimensional array of Float32 values in row-major order.
///
/// `Tensor` is a value: copies share a buffer until one of them is written, so passing tensors
/// around costs nothing. A scalar has shape `[]`. Shapes and values are checked by the
/// operations, which throw `TensorError` naming the operation and the shapes.
public struct Tensor: Sendable {
  public private(set) var shape: [Int]
  var storage: TensorStorage

  /// The number of elements (the product of the shape).
  public var count: Int { storage.count }
  public var rank: Int { shape.count }

  init(shape: [Int], storage: TensorStorage) {
    self.shape = shape
    self.storage = storage
  }

  /// A tensor of `shape` holding `values` in row-major order.
  public init(shape: [Int], values: [Float]) throws(TensorError) {
    let expected = try Self.elementCount("init", shape)
    guard values.count == expected else {
      throw TensorError("init", "needs \(expected) values for shape \(Self.describe(shape)) but got \(values.count)")
    }
    let storage = TensorStorage(count: expected)
    values.withUnsafeBufferPointer { buffer in
      if let address = buffer.baseAddress { storage.base.initialize(from: address, count: expected) }
    }
    self.init(shape: shape, storage: storage)
  }

  /// A scalar (shape `[]`).
  public init(_ value: Float) {
    shape = []
    storage = TensorStorage(repeating: value, count: 1)
  }

  /// A vector (shape `[n]`).
  public init(_ values: [Float]) {
    let storage = TensorStorage(count: values.count)
    values.withUnsafeBufferPointer { buffer in
      if let address = buffer.baseAddress { storage.base.initialize(from: address, count: values.count) }
    }
    self.init(shape: [values.count], storage: storage)
  }

  /// The values in row-major order.
  public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }

  /// The single value of a one-element tensor.
  public var scalar: Float? { count == 1 ? storage.base[0] : nil }

  /// Read access to the values, without copying.
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.base, count: count))
  }

  /// Write access to the values; copies the buffer first when another tensor shares it.
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    return try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
  }

  /// The same values with another shape of the same size (free: the buffer is shared).
  /// One dimension may be -1 and is inferred.
  public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
    var resolved = newShape
    if let unknown = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
      guard known > 0, count % known == 0 else {
        throw TensorError("reshape", "cannot reshape \(Self.describe(shape)) to \(Self.describe(newShape))")
      }
      resolved[unknown] = count / known
    }
    guard (try? Self.elementCount("reshape", resolved)) == count else {
      throw TensorError("reshape", "cannot reshape \(Self.describe(shape)) to \(Self.describe(newShape))")
    }
    return Tensor(shape: resolved, storage: storage)
  }

  /// The most elements one tensor may have: 2³² Float32 values are 16 GiB. Beyond that an
  /// allocation cannot succeed on the machines Tempo runs on, and failing one ends the process,
  /// so a shape asking for more (a model with a size mistyped) is refused here instead.
  public static let maximumElementCount = 1 << 32

  /// The number of elements of a shape; negative sizes and shapes beyond
  /// `maximumElementCount` are errors.
  static func elementCount(_ operation: String, _ shape: [Int]) throws(TensorError) -> Int {
    var total = 1
    for size in shape {
      guard size >= 0 else { throw TensorError(operation, "has a negative size in shape \(describe(shape))") }
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow else { throw TensorError(operation, "shape \(describe(shape)) has too many elements") }
      total = product
    }
    guard total <= maximumElementCount else {
      throw TensorError(
        operation,
        "shape \(describe(shape)) has \(total) elements, more than the \(maximumElementCount) a tensor may have")
    }
    return total
  }

  /// A shape as diagnostics print it: `[32, 3]`.
  public static func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
  }
}

extension Tensor: Equatable {
  /// Same shape and bit-for-bit the same values (NaN equals nothing, as in IEEE arithmetic).
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.shape == rhs.shape else { return false }
    for index in 0..<lhs.count where lhs.storage.base[index] != rhs.storage.base[index] { return false }
    return true
  }
}
