/// Loops over contiguous Float buffers written so the compiler turns them into SIMD code:
/// reductions in eight independent lanes (a single running sum or max is a serial dependency
/// chain that cannot vectorise), and exp by range reduction and a polynomial (libm's `expf` is
/// a call per element). Public for the fused ops of other modules (Alrao's mixture head).
public enum VectorMath {
  public static func sum(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: 0)
    var index = 0
    let raw = UnsafeRawPointer(values)
    while index + 8 <= count {
      lanes += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      index += 8
    }
    var total = lanes.sum()
    while index < count {
      total += values[index]
      index += 1
    }
    return total
  }

  public static func maximum(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: -.infinity)
    var index = 0
    let raw = UnsafeRawPointer(values)
    while index + 8 <= count {
      let next = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
      lanes.replace(with: next, where: next .> lanes)
      index += 8
    }
    var largest = lanes.max()
    while index < count {
      largest = Swift.max(largest, values[index])
      index += 1
    }
    return largest
  }

  /// e^x within 2 ulp of `expf` (Cephes' polynomial after reducing x by multiples of ln 2);
  /// exactly 0 below −87.3 (including −∞, so masked attention scores vanish) and +∞ above 88.7.
  @inlinable @inline(__always)
  public static func exp(_ value: Float) -> Float {
    let x = Swift.min(Swift.max(value, -87.336_544), 88.722_839)
    // n = round(x / ln 2) through the 1.5·2²³ trick: the integer lands in the low mantissa bits.
    let shifted = x * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_65
    p = p * r + 0.500_000_01
    let polynomial = p * r * r + r + 1
    let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23
    let result = polynomial * Float(bitPattern: exponent)
    return value < -87.336_544 ? 0 : (value > 88.722_839 ? .infinity : result)
  }

  public static func exp(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int) {
    for index in 0..<count { output[index] = exp(input[index]) }
  }
}
