import Glibc
import TensorCore

extension Dataset {
  /// The two-spiral data of Leimkuhler, Matthews & Vlaar (2019): the data set of the multirate
  /// paper's slow-biases experiment, generated exactly as follows.
  ///
  /// With `m = floor(points / 2)`, for each `i` in `0..<m`: `t ~ U[0, 1)`, `r = a·t^p`,
  /// `φ = 2π·turns·t^p` (`a = 2`, `p = 0.5`); the class-0 point is `(r cos φ, r sin φ) + ε` and the
  /// class-1 point its reflection through the origin `−(r cos φ, r sin φ) + ε′`, with
  /// `ε, ε′ ~ N(0, noise²·I)` independent. The m class-0 points come first, then the m class-1
  /// points in the same order (shuffle with `batchIndices`); an odd `points` drops one.
  ///
  /// Draw order, one `RandomGenerator(seed:)`: per `i`, `t`, then `ε` (x, y), then `ε′` (x, y).
  /// The arithmetic is in Double, stored as Float32.
  public static func spiral(points: Int = 500, turns: Double = 4, noise: Double = 0.02, seed: UInt64) -> Dataset {
    let (radius, exponent) = (2.0, 0.5)
    let half = max(0, points) / 2
    var generator = RandomGenerator(seed: seed)
    var first = [Float]()
    var second = [Float]()
    first.reserveCapacity(2 * half)
    second.reserveCapacity(2 * half)
    for _ in 0..<half {
      let t = Double(generator.nextUnitFloat())
      let r = radius * pow(t, exponent)
      let angle = 2 * Double.pi * turns * pow(t, exponent)
      let (x, y) = (r * cos(angle), r * sin(angle))
      first += [Float(x + noise * Double(generator.nextNormal())), Float(y + noise * Double(generator.nextNormal()))]
      second += [
        Float(-x + noise * Double(generator.nextNormal())), Float(-y + noise * Double(generator.nextNormal())),
      ]
    }
    return Dataset(
      name: "spiral", features: .floats(first + second), storedShape: [2], task: .classification(classes: 2),
      classNames: ["0", "1"], classLabels: [Int](repeating: 0, count: half) + [Int](repeating: 1, count: half))
  }
}
