import Optimizers
import Testing

@Suite("The multirate cost model (Eq. 6, ALGORITHMS §1.12)")
struct MultirateCostModelTests {
  /// M10: speed-up 2k / ((k + 1) + (k − 1)·ℓ/L), columns ℓ/L = 0, 1/34, 0.05, 0.2 (4 decimals).
  static let m10: [(k: Int, speedUps: [Double])] = [
    (1, [1.0000, 1.0000, 1.0000, 1.0000]),
    (2, [1.3333, 1.3204, 1.3115, 1.2500]),
    (3, [1.5000, 1.4783, 1.4634, 1.3636]),
    (4, [1.6000, 1.5723, 1.5534, 1.4286]),
    (5, [1.6667, 1.6346, 1.6129, 1.4706]),
    (10, [1.8182, 1.7755, 1.7467, 1.5625]),
    (25, [1.9231, 1.8722, 1.8382, 1.6234]),
  ]

  @Test("M10: Eq. 6 speed-ups for k from 1 to 25 and four fast fractions")
  func m10() {
    for row in Self.m10 {
      for (fraction, expected) in zip([0, 1.0 / 34, 0.05, 0.2], row.speedUps) {
        let model = MultirateCostModel(fastFraction: fraction)
        #expect(abs(model.speedUp(k: row.k) - expected) < 5e-5, "k = \(row.k), ℓ/L = \(fraction)")
      }
    }
  }

  @Test("backward twice as dear as forward: k = 5 with ℓ → 0 gives 15/7, the limit 1 + β")
  func beta() {
    let model = MultirateCostModel(fastFraction: 0, backwardRatio: 2)
    #expect(abs(model.speedUp(k: 5) - 15.0 / 7) < 1e-12)
    #expect(model.limit == 3)
    #expect(abs(MultirateCostModel(fastFraction: 1.0 / 34).speedUp(k: 5) - 340.0 / 208) < 1e-12)
  }

  @Test("measured times give the same formula: forward 1, full backward 2, fast backward 0.1")
  func measured() {
    let model = MultirateCostModel(forward: 1, fullBackward: 2, fastBackward: 0.1)
    #expect(abs(model.speedUp(k: 4) - 12.0 / 6.3) < 1e-12)
  }
}
