extension SGD {
  // The two loops multirate needs beside `momentumStep`: a refresh that moves nothing (the
  // reference code's slow batch) and a move along a stored direction (linear drift). Same
  // masked / unmasked split as the loops above.

  /// b = momentum·b + (g + decay·θ) on the owned elements; θ does not move.
  static func refreshMomentum(
    _ theta: UnsafeBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?, momentum: Float, decay: Float
  ) {
    if let mask {
      for i in b.indices where mask[i] != 0 { b[i] = momentum * b[i] + (g[i] + decay * theta[i]) }
    } else {
      for i in b.indices { b[i] = momentum * b[i] + (g[i] + decay * theta[i]) }
    }
  }

  /// θ −= rate·scale ⊙ d on the owned elements: a slow parameter drifting along the direction
  /// stored at its last refresh.
  static func drift(
    _ theta: UnsafeMutableBufferPointer<Float>, along d: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>?,
    scale: UnsafeBufferPointer<Float>?, rate: Float
  ) {
    if let mask {
      for i in theta.indices where mask[i] != 0 { theta[i] -= rate * (scale?[i] ?? 1) * d[i] }
    } else if let scale {
      for i in theta.indices { theta[i] -= rate * scale[i] * d[i] }
    } else {
      for i in theta.indices { theta[i] -= rate * d[i] }
    }
  }
}
