import TensorCore

/// Seeds for independent random streams derived from one user seed.
///
/// Per-access draws must depend only on `(seed, epoch, index)`, never on the order in which
/// batches ask for samples, so each sample gets its own generator seeded by mixing the three
/// with SplitMix64's finaliser (a bijection, so distinct inputs rarely collide).
enum Seeds {
  static func mix(_ seed: UInt64, _ values: UInt64...) -> UInt64 {
    var state = finalise(seed)
    for value in values { state = finalise(state ^ finalise(value &+ 0x9E37_79B9_7F4A_7C15)) }
    return state
  }

  static func mix(_ seed: UInt64, epoch: Int, index: Int) -> UInt64 {
    mix(seed, UInt64(bitPattern: Int64(epoch)), UInt64(bitPattern: Int64(index)))
  }

  private static func finalise(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension RandomGenerator {
  /// An integer uniformly distributed in `0..<bound` (Lemire's multiply-and-reject, unbiased);
  /// written out rather than taken from the standard library so shuffles stay the same across
  /// Swift versions.
  mutating func nextIndex(below bound: Int) -> Int {
    guard bound > 1 else { return 0 }
    let limit = UInt64(bound)
    var product = next().multipliedFullWidth(by: limit)
    if product.low < limit {
      let threshold = (0 &- limit) % limit
      while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
    }
    return Int(product.high)
  }

  /// `values` in a uniformly random order (Fisher–Yates, from the last element down).
  mutating func shuffled(_ values: [Int]) -> [Int] {
    var result = values
    var position = result.count - 1
    while position > 0 {
      result.swapAt(position, nextIndex(below: position + 1))
      position -= 1
    }
    return result
  }
}
