import Glibc
import TensorCore

extension Dataset {
  /// Gaussian blobs for smoke tests, as scikit-learn's `make_blobs`: one centre per class drawn
  /// uniformly in `[−10, 10]^dimensions`, then sample `i` of class `i mod classes` at its centre
  /// plus `spread · N(0, I)`.
  public static func blobs(
    points: Int = 300, classes: Int = 3, dimensions: Int = 2, spread: Double = 1, seed: UInt64
  ) -> Dataset {
    let (count, classCount, size) = (max(0, points), max(1, classes), max(1, dimensions))
    var generator = RandomGenerator(seed: seed)
    let centres = (0..<(classCount * size)).map { _ in 20 * Double(generator.nextUnitFloat()) - 10 }
    var values = [Float]()
    values.reserveCapacity(count * size)
    for index in 0..<count {
      let centre = (index % classCount) * size
      for dimension in 0..<size {
        values.append(Float(centres[centre + dimension] + spread * Double(generator.nextNormal())))
      }
    }
    return Dataset(
      name: "blobs", features: .floats(values), storedShape: [size], task: .classification(classes: classCount),
      classNames: (0..<classCount).map(String.init), classLabels: (0..<count).map { $0 % classCount })
  }

  /// Four clusters at `(±1, ±1)` (sample `i` in quadrant `i mod 4`: (1, 1), (−1, 1), (−1, −1),
  /// (1, −1)) plus `noise · N(0, I)`; the label is 1 when the cluster's `sign(x)·sign(y) > 0`.
  ///
  /// The label follows the cluster, not the noisy point, so with a large `noise` a few points
  /// sit across an axis from their class: that is noise in the inputs, not in the labels.
  public static func xor(points: Int = 400, noise: Double = 0.2, seed: UInt64) -> Dataset {
    let count = max(0, points)
    let corners: [(Double, Double)] = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    var generator = RandomGenerator(seed: seed)
    var values = [Float]()
    values.reserveCapacity(2 * count)
    for index in 0..<count {
      let (x, y) = corners[index % 4]
      values.append(Float(x + noise * Double(generator.nextNormal())))
      values.append(Float(y + noise * Double(generator.nextNormal())))
    }
    return Dataset(
      name: "xor", features: .floats(values), storedShape: [2], task: .classification(classes: 2),
      classNames: ["0", "1"], classLabels: (0..<count).map { $0 % 2 == 0 ? 1 : 0 })
  }

  /// The regression toy of the Alrao code: `u ~ U(−1, 1)`, input
  /// `(u, u², …, u¹⁰)`, target `sin(πu)`; task `.regression(outputs: 1)`.
  ///
  /// `u = 2·U[0, 1) − 1`, one draw per point, powers and sine in Double, stored as Float32.
  public static func regressionToy(points: Int = 1000, seed: UInt64) -> Dataset {
    let count = max(0, points)
    var generator = RandomGenerator(seed: seed)
    var values = [Float]()
    var targets = [Float]()
    values.reserveCapacity(10 * count)
    for _ in 0..<count {
      let u = 2 * Double(generator.nextUnitFloat()) - 1
      var power = 1.0
      for _ in 1...10 {
        power *= u
        values.append(Float(power))
      }
      targets.append(Float(sin(Double.pi * u)))
    }
    return Dataset(
      name: "regression toy", features: .floats(values), storedShape: [10], task: .regression(outputs: 1),
      classNames: [], targetValues: targets)
  }
}
