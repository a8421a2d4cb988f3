import CBLAS

extension Tensor {
  /// The matrix product: `[m, k] × [k, n] → [m, n]`, or batched `[b, m, k] × [b, k, n]`
  /// (a rank-2 right operand is shared by every batch), all on `cblas_sgemm`.
  public func matmul(_ other: Tensor) throws(TensorError) -> Tensor {
    guard rank == 2 || rank == 3, other.rank == 2 || other.rank == 3 else {
      throw .shapes("matmul", shape, other.shape, "needs matrices or batches of matrices")
    }
    let m = shape[rank - 2]
    let k = shape[rank - 1]
    let n = other.shape[other.rank - 1]
    guard other.shape[other.rank - 2] == k else {
      throw .shapes("matmul", shape, other.shape, "inner dimensions differ")
    }
    let batch = rank == 3 ? shape[0] : 1
    if other.rank == 3 {
      guard rank == 3, other.shape[0] == batch else {
        throw .shapes("matmul", shape, other.shape, "batch sizes differ")
      }
    }
    let resultShape = rank == 3 ? [batch, m, n] : [m, n]
    let result = TensorStorage(count: batch * m * n)
    if m * n == 0 { return Tensor(shape: resultShape, storage: result) }
    for index in 0..<batch {
      let a = storage.base + index * m * k
      let b = other.storage.base + (other.rank == 3 ? index * k * n : 0)
      let c = result.base + index * m * n
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(Swift.max(k, 1)), b,
        Int32(Swift.max(n, 1)), 0, c, Int32(n))
    }
    return Tensor(shape: resultShape, storage: result)
  }

  /// The matrix transpose of a rank-2 tensor (a copy; products take transposes through BLAS
  /// flags instead where it pays).
  public func transposed() throws(TensorError) -> Tensor {
    guard rank == 2 else { throw TensorError("transposed", "needs a matrix but got \(Self.describe(shape))") }
    let (rows, columns) = (shape[0], shape[1])
    let result = TensorStorage(count: count)
    for row in 0..<rows {
      for column in 0..<columns { result.base[column * rows + row] = storage.base[row * columns + column] }
    }
    return Tensor(shape: [columns, rows], storage: result)
  }
}

/// The OpenBLAS thread count the engine uses (default: all cores).
public enum BLASThreads {
  public static func set(_ count: Int) { openblas_set_num_threads(Int32(Swift.max(1, count))) }
  public static var current: Int { Int(openblas_get_num_threads()) }
}
