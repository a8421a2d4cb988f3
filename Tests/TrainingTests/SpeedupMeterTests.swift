import Testing

@testable import Training

@Suite("The multirate speed-up meter")
struct SpeedupMeterTests {
  func kind(steps: Int, forward: Double, backward: Double, overhead: Double = 0, bytes: Int) -> StepKindStatistics {
    var kind = StepKindStatistics()
    kind.steps = steps
    kind.time.forward = forward * Double(steps)
    kind.time.backward = backward * Double(steps)
    kind.time.optimizer = overhead * Double(steps)
    kind.savedActivationBytes = bytes
    return kind
  }

  @Test("Eq. 6 as the paper tabulates it (M10)")
  func equation6() {
    let expected: [(k: Double, share: Double, value: Double)] = [
      (1, 0, 1), (2, 0, 1.3333), (5, 0, 1.6667), (5, 1.0 / 34, 1.6346), (5, 0.05, 1.6129), (5, 0.2, 1.4706),
      (10, 0, 1.8182), (10, 1.0 / 34, 1.7755), (25, 0.2, 1.6234), (4, 0.05, 1.5534),
    ]
    for row in expected {
      #expect(abs(SpeedupMeter.equation6(k: row.k, fastShare: row.share) - row.value) < 5e-5, "\(row)")
    }
  }

  @Test("equal forward and backward with a free fast backward: measured = cost model = Eq. 6 = 2k/(k+1)")
  func idealCase() throws {
    let meter = try #require(
      SpeedupMeter([
        "full": kind(steps: 10, forward: 1, backward: 1, bytes: 1000),
        "fast": kind(steps: 40, forward: 1, backward: 0, bytes: 5),
      ]))
    #expect(meter.stepsPerCycle == 5)
    #expect(abs(meter.measured - 10.0 / 6) < 1e-12)
    #expect(abs(meter.equation6 - 10.0 / 6) < 1e-12)
    #expect(abs(meter.costModel - 10.0 / 6) < 1e-12)
    #expect(meter.activationShare == 0.005)
    #expect(meter.explanation == nil)
  }

  @Test("a backward twice the forward: the β-generalisation, 15/7 for k = 5 in the limit")
  func betaTwo() throws {
    let meter = try #require(
      SpeedupMeter([
        "full": kind(steps: 2, forward: 1, backward: 2, bytes: 10),
        "fast": kind(steps: 8, forward: 1, backward: 0, bytes: 1),
      ]))
    #expect(abs(meter.costModel - 15.0 / 7) < 1e-12)
    #expect(abs(meter.measured - 15.0 / 7) < 1e-12)
  }

  @Test("the cost model counts forward and backward only: optimizer time shows as a gap to the measured value")
  func overheadIsLeftOut() throws {
    let meter = try #require(
      SpeedupMeter([
        "full": kind(steps: 1, forward: 1, backward: 1, overhead: 2, bytes: 10),
        "fast": kind(steps: 4, forward: 1, backward: 0, overhead: 2, bytes: 1),
      ]))
    #expect(abs(meter.costModel - 10.0 / 6) < 1e-12)
    #expect(abs(meter.measured - 4.0 / (16.0 / 5)) < 1e-12)
  }

  @Test("fast parameters early in the network: little gain, and the run says why")
  func spreadFastParameters() throws {
    let meter = try #require(
      SpeedupMeter([
        "full": kind(steps: 2, forward: 1, backward: 1, overhead: 0.1, bytes: 10),
        "fast": kind(steps: 8, forward: 1, backward: 0.9, overhead: 0.1, bytes: 10),
      ]))
    #expect(meter.measured < 1.1)
    #expect(meter.explanation?.contains("90 % of a full backward") == true)
  }

  @Test("no meter without both full and partial steps")
  func onlyOneKind() {
    #expect(SpeedupMeter(["full": kind(steps: 3, forward: 1, backward: 1, bytes: 1)]) == nil)
    #expect(SpeedupMeter(["fast": kind(steps: 3, forward: 1, backward: 1, bytes: 1)]) == nil)
  }
}
