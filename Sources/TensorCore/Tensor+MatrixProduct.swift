import Dispatch
import Glibc
import Synchronization

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
    let leadingA = shape[rank - 1]
    let leadingB = other.shape[other.rank - 1]
    for index in 0..<batch {
      let a = storage.base + index * m * k
      let b = other.storage.base + (other.rank == 3 ? index * k * n : 0)
      let c = result.base + index * m * n
      ParallelProduct.multiply(
        transposingA: transposingSelf, transposingB: transposingOther, m: m, n: n, k: k, a, leadingA, b, leadingB, c)
    }
    return Tensor(shape: resultShape, storage: result)
  }

  /// `self · weightᵀ + bias` for `self` `[m, k]`, `weight` `[n, k]` and `bias` `[n]`, as one GEMM:
  /// the bias is written into the result's rows first and the product added to it (β = 1), so
  /// there is no separate pass to add the bias and no pass for OpenBLAS to clear the result —
  /// PyTorch's `addmm`. Each element is the same sum as `matmul` then `+ bias`, up to the order
  /// in which the bias joins it.
  public func affine(weight: Tensor, bias: Tensor) throws(TensorError) -> Tensor {
    guard rank == 2, weight.rank == 2, weight.shape[1] == shape[1], bias.shape == [weight.shape[0]] else {
      throw .shapes("affine", shape, weight.shape, "needs [m, k], [n, k] and a bias [n]")
    }
    let (m, k, n) = (shape[0], shape[1], weight.shape[0])
    let result = TensorStorage(count: m * n)
    for row in 0..<m { (result.base + row * n).update(from: bias.storage.base, count: n) }
    if m > 0, n > 0, k > 0 {
      ParallelProduct.multiply(
        transposingA: false, transposingB: true, m: m, n: n, k: k, storage.base, k, weight.storage.base, k, result.base,
        accumulating: true)
    }
    return Tensor(shape: [m, n], storage: result)
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

/// The number of threads the engine's kernels use (default: all cores).
///
/// OpenBLAS itself always runs single-threaded: the engine splits large products and batches
/// of images over its own threads instead. Letting OpenBLAS thread each call made its idle
/// workers spin and yield between the many small products of a step, and a convolution
/// threaded over images competed with them for the same cores.
public enum BLASThreads {
  private static let configured = Atomic<Int>(0)

  public static func set(_ count: Int) {
    BLAS.setThreadCount(1)
    configured.store(Swift.max(1, count), ordering: .relaxed)
  }

  public static var current: Int {
    let count = configured.load(ordering: .relaxed)
    if count > 0 { return count }
    set(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    return configured.load(ordering: .relaxed)
  }
}

/// One product `C = op(A)·op(B)` split into row (or column) blocks over the engine's threads
/// when it is large enough to pay for the hand-off.
enum ParallelProduct {
  /// Below this many multiply-adds a product runs on the calling thread.
  static let minimumWork = 1 << 21

  static func multiply(
    transposingA: Bool, transposingB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ lda: Int,
    _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>, accumulating: Bool = false
  ) {
    let product = Product(
      transposingA: transposingA, transposingB: transposingB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c,
      beta: accumulating ? 1 : 0)
    let shares = m * n * k >= minimumWork ? Swift.min(BLASThreads.current, Swift.max(m, n) / 16) : 1
    guard shares > 1 else {
      product.run(rows: 0..<m, columns: 0..<n)
      return
    }
    let splitRows = m >= n
    DispatchQueue.concurrentPerform(iterations: shares) { share in
      let size = splitRows ? m : n
      let range = (share * size / shares)..<((share + 1) * size / shares)
      if splitRows { product.run(rows: range, columns: 0..<n) } else { product.run(rows: 0..<m, columns: range) }
    }
  }

  /// The operands of one product; shares write disjoint blocks of C, so handing it to several
  /// threads is safe.
  private struct Product: @unchecked Sendable {
    let transposingA: Bool
    let transposingB: Bool
    let m: Int
    let n: Int
    let k: Int
    let a: UnsafePointer<Float>
    let lda: Int
    let b: UnsafePointer<Float>
    let ldb: Int
    let c: UnsafeMutablePointer<Float>
    /// 0 overwrites C; 1 adds the product to what C holds (a bias preloaded by `affine`).
    let beta: Float

    func run(rows: Range<Int>, columns: Range<Int>) {
      guard !rows.isEmpty, !columns.isEmpty else { return }
      // Row i of op(A) starts at a + i·lda, or at column i when A is read transposed; likewise
      // column j of op(B).
      let aStart = a + (transposingA ? rows.lowerBound : rows.lowerBound * lda)
      let bStart = b + (transposingB ? columns.lowerBound * ldb : columns.lowerBound)
      BLAS.multiply(
        transposingA: transposingA, transposingB: transposingB, m: rows.count, n: columns.count, k: k, aStart,
        lda: Swift.max(lda, 1), bStart, ldb: Swift.max(ldb, 1), beta: beta,
        c + rows.lowerBound * n + columns.lowerBound,
        ldc: n)
    }
  }
}
