/// The elementwise part of one LSTM step for one batch row, four units at a time in SIMD lanes.
///
/// Written with `SIMD4<Float>` rather than scalar loops left to the auto-vectoriser: a gate
/// loop reads and writes a dozen separate buffers, more than LLVM will check for overlap at run
/// time, so the scalar loops stayed scalar and took a quarter of the lstm step. The arithmetic
/// is the scalar kernels' in the same order (`Tensor.tanhApproximation`, σ(x) = ½·tanh(½x) + ½),
/// so every lane rounds as the scalar code did. Four lanes, not eight: the build targets baseline
/// x86-64 (SSE registers), where eight-lane values spilled to the stack. A hidden size that is
/// not a multiple of four
/// finishes with a partial block loaded and stored element by element.
enum LSTMGateLanes {
  typealias Lanes = SIMD4<Float>
  static let width = 4

  /// Forward: activates the gate row `a` (pre-activations i, f, g, o of `size` each, in place)
  /// and writes the cell `c`, its tanh `tc` and the hidden state `h`; `previous` is c_{t−1}, nil
  /// at the first step (a zero state).
  @inline(__always)
  static func forward(
    gates a: UnsafeMutablePointer<Float>, previous: UnsafePointer<Float>?, cell c: UnsafeMutablePointer<Float>,
    cellTanh tc: UnsafeMutablePointer<Float>, hidden h: UnsafeMutablePointer<Float>, size: Int
  ) {
    var unit = 0
    while unit < size {
      let valid = Swift.min(width, size - unit)
      let i = sigmoid(load(a + unit, valid))
      let f = sigmoid(load(a + size + unit, valid))
      let g = tanh(load(a + 2 * size + unit, valid))
      let o = sigmoid(load(a + 3 * size + unit, valid))
      store(i, a + unit, valid)
      store(f, a + size + unit, valid)
      store(g, a + 2 * size + unit, valid)
      store(o, a + 3 * size + unit, valid)
      let cell = previous.map { f * load($0 + unit, valid) + i * g } ?? f * Lanes(repeating: 0) + i * g
      let cellTanh = tanh(cell)
      store(cell, c + unit, valid)
      store(cellTanh, tc + unit, valid)
      store(o * cellTanh, h + unit, valid)
      unit += width
    }
  }

  /// Backward through one step for one row: from the activated gates `gate`, the cell tanh `tc`,
  /// c_{t−1} (`previous`, nil at the first step), the output gradient `dy` and the gradients
  /// flowing back from step t+1 (`dh`, and `dc` which is replaced by the one for step t−1),
  /// writes the pre-activation gate gradients `d`.
  @inline(__always)
  static func backward(
    gates gate: UnsafePointer<Float>, cellTanh tc: UnsafePointer<Float>, previous: UnsafePointer<Float>?,
    outputGradient dy: UnsafePointer<Float>, hiddenGradient dh: UnsafePointer<Float>,
    cellGradient dcNext: UnsafeMutablePointer<Float>, gateGradients d: UnsafeMutablePointer<Float>, size: Int
  ) {
    let one = Lanes(repeating: 1)
    var unit = 0
    while unit < size {
      let valid = Swift.min(width, size - unit)
      let i = load(gate + unit, valid)
      let f = load(gate + size + unit, valid)
      let g = load(gate + 2 * size + unit, valid)
      let o = load(gate + 3 * size + unit, valid)
      let h = load(dy + unit, valid) + load(dh + unit, valid)
      let cellTanh = load(tc + unit, valid)
      let dc = h * o * (one - cellTanh * cellTanh) + load(dcNext + unit, valid)
      let previousCell = previous.map { load($0 + unit, valid) } ?? Lanes(repeating: 0)
      store(dc * g * i * (one - i), d + unit, valid)
      store(dc * previousCell * f * (one - f), d + size + unit, valid)
      store(dc * i * (one - g * g), d + 2 * size + unit, valid)
      store(h * cellTanh * o * (one - o), d + 3 * size + unit, valid)
      store(dc * f, dcNext + unit, valid)
      unit += width
    }
  }

  /// `Tensor.tanhApproximation` in SIMD lanes, operation for operation.
  @inline(__always)
  static func tanh(_ value: Lanes) -> Lanes {
    // Clamped by masks: the stdlib's `pointwiseMin`/`pointwiseMax` stayed calls.
    let limit = Lanes(repeating: 7.905_311_107_635_498)
    var x = value
    x.replace(with: -limit, where: x .< -limit)
    x.replace(with: limit, where: x .> limit)
    let x2 = x * x
    var p = Lanes(repeating: -2.760_768_477_423_55e-16)
    p = p * x2 + 2.000_187_904_824_77e-13
    p = p * x2 - 8.604_671_522_137_35e-11
    p = p * x2 + 5.122_297_090_371_14e-08
    p = p * x2 + 1.485_722_357_179_79e-05
    p = p * x2 + 6.372_619_288_754_36e-04
    p = p * x2 + 4.893_524_558_917_86e-03
    p *= x
    var q = Lanes(repeating: 1.198_258_394_667_02e-06)
    q = q * x2 + 1.185_347_056_866_54e-04
    q = q * x2 + 2.268_434_632_439_00e-03
    q = q * x2 + 4.893_525_185_543_85e-03
    var result = p / q
    result.replace(with: value, where: (value .< 4e-4) .& (value .> -4e-4))
    return result
  }

  /// `Tensor.sigmoid`: ½·tanh(½x) + ½.
  @inline(__always)
  static func sigmoid(_ x: Lanes) -> Lanes { 0.5 * tanh(0.5 * x) + 0.5 }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>, _ valid: Int) -> Lanes {
    if valid == width { return UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self) }
    var lanes = Lanes(repeating: 0)
    for lane in 0..<valid { lanes[lane] = pointer[lane] }
    return lanes
  }

  @inline(__always)
  static func load(_ pointer: UnsafeMutablePointer<Float>, _ valid: Int) -> Lanes {
    load(UnsafePointer(pointer), valid)
  }

  @inline(__always)
  static func store(_ lanes: Lanes, _ pointer: UnsafeMutablePointer<Float>, _ valid: Int) {
    if valid == width {
      UnsafeMutableRawPointer(pointer).storeBytes(of: lanes, as: Lanes.self)
      return
    }
    for lane in 0..<valid { pointer[lane] = lanes[lane] }
  }
}
