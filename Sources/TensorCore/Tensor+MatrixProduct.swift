import CBLAS

extension Tensor {
  /// The matrix product: `[m, k] × [k, n] → [m, n]`, or batched `[b, m, k] × [b, k, n]`
  /// (a rank-2 right operand is shared by every batch), all on `cblas_sgemm`. A transposed
  /// operand is read through BLAS's transpose flag, never copied, which is how gradients of
  /// products stay as fast as the forward product.
  public func matmul(
    _ other: Tensor, transposingSelf: Bool = false, transposingOther: Bool = false
  ) throws(TensorError) -> Tensor {
    guard rank == 2 || rank == 3, other.rank == 2 || other.rank == 3 else {
      throw .shapes("matmul", shape, other.shape, "needs matrices or batches of matrices")
    }
    let m = shape[rank - (transposingSelf ? 1 : 2)]
    let k = shape[rank - (transposingSelf ? 2 : 1)]
    let otherK = other.shape[other.rank - (transposingOther ? 1 : 2)]
    let n = other.shape[other.rank - (transposingOther ? 2 : 1)]
    guard otherK == k else {
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
    if k == 0 {
      result.base.initialize(repeating: 0, count: batch * m * n)
      return Tensor(shape: resultShape, storage: result)
    }
    let leadingA = Int32(shape[rank - 1])
    let leadingB = Int32(other.shape[other.rank - 1])
    for index in 0..<batch {
      let a = storage.base + index * m * k
      let b = other.storage.base + (other.rank == 3 ? index * k * n : 0)
      let c = result.base + index * m * n
      cblas_sgemm(
        CblasRowMajor, transposingSelf ? CblasTrans : CblasNoTrans, transposingOther ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), 1, a, leadingA, b, leadingB, 0, c, Int32(n))
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
