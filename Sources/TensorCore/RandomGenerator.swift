import Glibc

/// A seeded pseudo-random generator that gives the same numbers on every machine.
///
/// The algorithm is xoshiro256** (Blackman & Vigna, 2018), its state filled from the seed by
/// SplitMix64, as its authors recommend. Floats in [0, 1) take the top 24 bits of one draw
/// (every Float32 multiple of 2⁻²⁴); normal draws use the Box–Muller transform in Double and
/// round once. Nothing depends on the platform's own `random()`. These are not PyTorch's
/// numbers (PyTorch uses mt19937 and its own transforms); goldens compare distributions, not
/// draws.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var mixer = seed
    func splitMix() -> UInt64 {
      mixer &+= 0x9E37_79B9_7F4A_7C15
      var z = mixer
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  public mutating func next() -> UInt64 {
    let result = rotate(state.1 &* 5, 7) &* 9
    let shifted = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= shifted
    state.3 = rotate(state.3, 45)
    return result
  }

  /// A Float uniformly distributed in [0, 1).
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// A Float from the standard normal distribution.
  public mutating func nextNormal() -> Float {
    // 1 - u keeps the logarithm's argument in (0, 1].
    let u1 = 1 - Double(next() >> 11) * 0x1p-53
    let u2 = Double(next() >> 11) * 0x1p-53
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }

  private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }
}
