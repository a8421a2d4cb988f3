import Autodiff
import TensorCore

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

  /// One SGD step of the elements `mask` selects (nil: every element) with the entry's rate
  /// scale: heavy ball with a buffer updated only on those elements (p starts at 0), or plain
  /// SGD when `momentum` is 0. The masked-subgroup optimizers step each subset this way.
  static func update(
    _ entry: OptimizedParameter, mask: Tensor?, rate: Float, momentum: Float,
    buffers: inout [ObjectIdentifier: Tensor]
  ) throws {
    guard let grad = entry.variable.grad else { return }
    let elements = ElementSettings(mask: mask, scale: entry.rateScale)
    guard momentum != 0 else {
      grad.withUnsafeBufferPointer { g in
        entry.variable.value.withUnsafeMutableBufferPointer { theta in
          elements.withBuffers { mask, scale in plainStep(theta, g, mask: mask, scale: scale, rate: rate, decay: 0) }
        }
      }
      return
    }
    let key = ObjectIdentifier(entry.variable)
    var buffer = try buffers.removeValue(forKey: key) ?? Tensor.zeros(entry.variable.shape)
    defer { buffers[key] = buffer }
    grad.withUnsafeBufferPointer { g in
      entry.variable.value.withUnsafeMutableBufferPointer { theta in
        buffer.withUnsafeMutableBufferPointer { b in
          elements.withBuffers { mask, scale in
            momentumStep(
              theta, g, b, mask: mask, scale: scale, rate: rate, momentum: momentum, gradientWeight: 1,
              bufferWeight: momentum, decay: 0, nesterov: false)
          }
        }
      }
    }
  }
}
