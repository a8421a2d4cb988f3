import Glibc

/// What an LSTM layer's forward pass keeps for its backward pass.
public struct LSTMSequenceCache: Sendable {
  /// Gate activations per step, `[B, T, 4H]`: σ(i), σ(f), tanh(g), σ(o).
  let gates: Tensor
  /// Cell states `[B, T, H]` and their tanh.
  let cells: Tensor
  let cellTanh: Tensor
}

extension Tensor {
  /// One LSTM layer over a whole sequence, from a zero state: `projected` `[B, T, 4H]` holds
  /// x_t·W_ihᵀ + b_ih + b_hh for every step (one GEMM before the loop), `hiddenWeight` is W_hh
  /// `[4H, H]`; the result is every hidden state `[B, T, H]`.
  ///
  /// A fused kernel, because the same layer composed of ops records a dozen ops per step and
  /// slices full-size gradients out of the sequence at every step. Gates are in PyTorch's
  /// order i, f, g, o.
  public static func lstmSequence(
    projected: Tensor, hiddenWeight: Tensor
  ) throws(TensorError) -> (output: Tensor, cache: LSTMSequenceCache) {
    guard projected.rank == 3, hiddenWeight.rank == 2, hiddenWeight.shape[0] == 4 * hiddenWeight.shape[1],
      projected.shape[2] == hiddenWeight.shape[0]
    else {
      throw .shapes("lstm", projected.shape, hiddenWeight.shape, "needs [B, T, 4H] gates and a [4H, H] weight")
    }
    let (batch, steps, size) = (projected.shape[0], projected.shape[1], hiddenWeight.shape[1])
    let width = 4 * size
    let gates = TensorStorage(count: batch * steps * width)
    let cells = TensorStorage(count: batch * steps * size)
    let cellTanh = TensorStorage(count: batch * steps * size)
    let output = TensorStorage(repeating: 0, count: batch * steps * size)
    let (p, w) = (UnsafePointer(projected.storage.base), UnsafePointer(hiddenWeight.storage.base))
    let (a, c, tc, h) = (gates.base, cells.base, cellTanh.base, output.base)
    // Each batch row's recurrence depends only on itself, so the rows are split over the engine's
    // threads for the whole time loop: no synchronisation between steps.
    ImageParallel.forEachShare(of: batch) { _, rows in
      guard !rows.isEmpty else { return }
      let first = rows.lowerBound
      for step in 0..<steps {
        // gates_t = P_t (+ h_{t−1}·W_hhᵀ): rows of step t sit T·4H apart in the sequence layout.
        for row in rows {
          (a + (row * steps + step) * width).update(from: p + (row * steps + step) * width, count: width)
        }
        if step > 0, size > 0 {
          BLAS.multiply(
            transposingB: true, m: rows.count, n: width, k: size, h + (first * steps + step - 1) * size,
            lda: steps * size, w, ldb: size, beta: 1, a + (first * steps + step) * width, ldc: steps * width)
        }
        for row in rows {
          let at = row * steps + step
          let previous = step > 0 ? UnsafePointer(c + (at - 1) * size) : nil
          LSTMGateLanes.forward(
            gates: a + at * width, previous: previous, cell: c + at * size, cellTanh: tc + at * size,
            hidden: h + at * size, size: size)
        }
      }
    }
    let cache = LSTMSequenceCache(
      gates: Tensor(shape: [batch, steps, width], storage: gates),
      cells: Tensor(shape: [batch, steps, size], storage: cells),
      cellTanh: Tensor(shape: [batch, steps, size], storage: cellTanh))
    return (Tensor(shape: [batch, steps, size], storage: output), cache)
  }

  /// Backpropagation through time for `lstmSequence`: gradients of the projected gates
  /// `[B, T, 4H]` and of W_hh `[4H, H]`, given the gradient of every hidden state.
  public static func lstmSequenceGradients(
    _ outputGradient: Tensor, output: Tensor, hiddenWeight: Tensor, cache: LSTMSequenceCache
  ) throws(TensorError) -> (projected: Tensor, hiddenWeight: Tensor) {
    guard outputGradient.shape == output.shape else {
      throw .shapes("lstm", outputGradient.shape, output.shape, "gradient and output differ")
    }
    let (batch, steps, size) = (output.shape[0], output.shape[1], output.shape[2])
    let width = 4 * size
    let gateGradients = TensorStorage(repeating: 0, count: batch * steps * width)
    let hiddenGradient = TensorStorage(repeating: 0, count: batch * size)
    let cellGradient = TensorStorage(repeating: 0, count: batch * size)
    let (a, c, tc, dy) = (
      cache.gates.storage.base, cache.cells.storage.base, cache.cellTanh.storage.base, outputGradient.storage.base
    )
    let w = UnsafePointer(hiddenWeight.storage.base)
    // Rows are independent through time here too (see the forward pass): one share of rows per thread.
    ImageParallel.forEachShare(of: batch) { _, rows in
      guard !rows.isEmpty else { return }
      let first = rows.lowerBound
      for step in stride(from: steps - 1, through: 0, by: -1) {
        for row in rows {
          let at = (row * steps + step)
          let previous = step > 0 ? UnsafePointer(c + (at - 1) * size) : nil
          LSTMGateLanes.backward(
            gates: a + at * width, cellTanh: tc + at * size, previous: previous, outputGradient: dy + at * size,
            hiddenGradient: hiddenGradient.base + row * size, cellGradient: cellGradient.base + row * size,
            gateGradients: gateGradients.base + at * width, size: size)
        }
        // dh_{t−1} = dgates_t · W_hh (the recurrent product's input gradient).
        if step > 0, size > 0 {
          BLAS.multiply(
            m: rows.count, n: size, k: width, gateGradients.base + (first * steps + step) * width, lda: steps * width,
            w, ldb: size, beta: 0, hiddenGradient.base + first * size, ldc: size)
        }
      }
    }
    // dW_hh = Σ_t dgates_tᵀ · h_{t−1}: one product per batch row over its steps ≥ 1. As many
    // multiply-adds as the recurrence's products, but free of its step-to-step dependency, so
    // the 4H rows of dW_hh are split over the engine's threads (disjoint rows, no reduction).
    let weightGradient = TensorStorage(repeating: 0, count: width * size)
    if steps > 1, batch > 0, size > 0 {
      let (g, h, dw) = (UnsafePointer(gateGradients.base), UnsafePointer(output.storage.base), weightGradient.base)
      ImageParallel.forEachShare(of: width) { _, gateRows in
        for row in 0..<batch {
          BLAS.multiply(
            transposingA: true, m: gateRows.count, n: size, k: steps - 1,
            g + (row * steps + 1) * width + gateRows.lowerBound, lda: width, h + row * steps * size, ldb: size,
            beta: 1, dw + gateRows.lowerBound * size, ldc: size)
        }
      }
    }
    return (
      Tensor(shape: [batch, steps, width], storage: gateGradients),
      Tensor(shape: [width, size], storage: weightGradient)
    )
  }

  @inline(__always)
  static func sigmoid(_ x: Float) -> Float { 0.5 * tanhApproximation(0.5 * x) + 0.5 }
}
