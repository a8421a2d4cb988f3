import CBLAS

/// Every call into OpenBLAS. This is the one file that imports `CBLAS`, so the C types stay
/// here and sizes are narrowed to BLAS's `Int32` in one place.
///
/// Matrices are row-major. Sizes must fit `Int32`: the engine's callers pass tensor dimensions,
/// which the tensor limits keep far below it; a larger size stops the process, as any
/// out-of-range integer conversion does, rather than computing on a wrapped size.
public enum BLAS {
  /// `C = alpha·op(A)·op(B) + beta·C`, with `cblas_sgemm`: `op(A)` is `m × k`, `op(B)` is
  /// `k × n`, `C` is `m × n`.
  ///
  /// For kernels and benchmarks that own their buffers; tensors multiply with `Tensor.matmul`,
  /// which also splits large products over the engine's threads.
  ///
  /// - Parameters:
  ///   - transposingA: read `A` as stored `k × m` and transpose it, rather than copying.
  ///   - transposingB: read `B` as stored `n × k` likewise.
  ///   - lda: the distance between rows of `A` as stored (at least its row length).
  ///   - ldb: the same for `B`; `ldc` for `C`.
  ///   - beta: 0 overwrites `C` (its old values may be uninitialised); 1 accumulates.
  public static func multiply(
    transposingA: Bool = false, transposingB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    _ a: UnsafePointer<Float>?, lda: Int, _ b: UnsafePointer<Float>?, ldb: Int, beta: Float = 0,
    _ c: UnsafeMutablePointer<Float>?, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, operand(transposingA), operand(transposingB), narrow(m), narrow(n), narrow(k), alpha, a,
      narrow(lda), b, narrow(ldb), beta, c, narrow(ldc))
  }

  /// `y = alpha·A·x + beta·y` for a row-major `rows × columns` matrix `A` with rows `lda` apart,
  /// with `cblas_sgemv`; `x` and `y` are contiguous.
  static func multiply(
    rows: Int, columns: Int, alpha: Float = 1, _ a: UnsafePointer<Float>?, lda: Int, vector x: UnsafePointer<Float>?,
    beta: Float = 0, into y: UnsafeMutablePointer<Float>?
  ) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, narrow(rows), narrow(columns), alpha, a, narrow(lda), x, 1, beta, y, 1)
  }

  /// Sets how many threads OpenBLAS itself uses for one call.
  ///
  /// The engine keeps it at 1 (see `BLASThreads`); a benchmark measuring OpenBLAS alone sets it
  /// to the core count for its run and back to 1 after.
  public static func setThreadCount(_ count: Int) {
    openblas_set_num_threads(narrow(max(1, count)))
  }

  private static func operand(_ transposed: Bool) -> CBLAS_TRANSPOSE { transposed ? CblasTrans : CblasNoTrans }

  private static func narrow(_ size: Int) -> Int32 { Int32(size) }
}
