import Glibc
import Testing

@testable import Plotting

/// The tick algorithm against d3-array's own expectations (test/ticks-test.js and
/// test/tickStep-test.js of d3-array 3.2), d3-scale's `nice` cases, and the awkward domains
/// training curves produce.
@Suite("Ticks")
struct TickTests {
  // MARK: - Degenerate input

  @Test(
    "NaN or infinite bounds give no ticks, no step and no log ticks",
    arguments: [
      (Double.nan, 1.0), (0, .nan), (.nan, .nan), (.infinity, 1), (0, .infinity), (-.infinity, .infinity),
      (-.infinity, -.infinity),
    ])
  func nonFiniteBounds(start: Double, stop: Double) {
    #expect(Ticks.linear(from: start, to: stop, count: 10) == [])
    #expect(Ticks.step(from: start, to: stop, count: 10) == nil)
    #expect(Ticks.logarithmic(from: start, to: stop, count: 10) == [])
  }

  @Test("a count of zero or below gives no ticks, even when start equals stop", arguments: [0, -1, Int.min])
  func nonPositiveCount(count: Int) {
    #expect(Ticks.linear(from: 0, to: 1, count: count) == [])
    #expect(Ticks.linear(from: 1, to: 1, count: count) == [])
    #expect(Ticks.step(from: 0, to: 1, count: count) == nil)
    #expect(Ticks.logarithmic(from: 1, to: 100, count: count) == [])
  }

  @Test("start equal to stop gives that one value", arguments: [1, 10])
  func singleValue(count: Int) {
    #expect(Ticks.linear(from: 1, to: 1, count: count) == [1])
    #expect(Ticks.linear(from: -0.3, to: -0.3, count: count) == [-0.3])
    #expect(Ticks.logarithmic(from: 5, to: 5, count: count) == [5])
  }

  @Test("a huge count gives no ticks rather than millions")
  func hugeCount() {
    #expect(Ticks.linear(from: 0, to: 1, count: Int.max) == [])
  }

  // MARK: - d3-array's cases

  @Test(
    "ticks match d3-array's ticks-test.js",
    arguments: [
      (0.0, 1.0, 10, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
      (0, 1, 9, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
      (0, 1, 8, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
      (0, 1, 7, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0, 1, 6, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
      (0, 1, 5, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0, 1, 4, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
      (0, 1, 3, [0.0, 0.5, 1.0]), (0, 1, 2, [0.0, 0.5, 1.0]), (0, 1, 1, [0.0, 1.0]),
      (0, 10, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), (0, 10, 9, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      (0, 10, 8, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), (0, 10, 7, [0, 2, 4, 6, 8, 10]), (0, 10, 6, [0, 2, 4, 6, 8, 10]),
      (0, 10, 5, [0, 2, 4, 6, 8, 10]), (0, 10, 4, [0, 2, 4, 6, 8, 10]), (0, 10, 3, [0, 5, 10]), (0, 10, 2, [0, 5, 10]),
      (0, 10, 1, [0, 10]), (-10, 10, 10, [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10]),
      (-10, 10, 9, [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10]), (-10, 10, 8, [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10]),
      (-10, 10, 7, [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10]), (-10, 10, 6, [-10, -5, 0, 5, 10]),
      (-10, 10, 5, [-10, -5, 0, 5, 10]), (-10, 10, 4, [-10, -5, 0, 5, 10]), (-10, 10, 3, [-10, -5, 0, 5, 10]),
      (-10, 10, 2, [-10, 0, 10]), (-10, 10, 1, [0]),
      // "remains within the domain"
      (0, 2.2, 3, [0, 1, 2]),
      // "handles precision problems"
      (0.98, 1.14, 10, [0.98, 1, 1.02, 1.04, 1.06, 1.08, 1.1, 1.12, 1.14]),
      // "tries to return at least one tick if count >= 0.5": a step too large for the domain
      // is retried with twice the count.
      (1, 364, 1, [200]), (1, 499, 1, [200, 400]),
    ] as [(Double, Double, Int, [Double])])
  func d3Ticks(start: Double, stop: Double, count: Int, expected: [Double]) {
    #expect(Ticks.linear(from: start, to: stop, count: count) == expected)
  }

  @Test(
    "a reversed domain gives the same ticks in reverse, as in d3-array",
    arguments: [(0.0, 1.0), (0, 10), (-10, 10), (0.98, 1.14), (1, 364)], 1...10)
  func reversedDomain(domain: (Double, Double), count: Int) {
    let forward = Ticks.linear(from: domain.0, to: domain.1, count: count)
    #expect(!forward.isEmpty)
    #expect(Ticks.linear(from: domain.1, to: domain.0, count: count) == Array(forward.reversed()))
    #expect(
      Ticks.step(from: domain.1, to: domain.0, count: count) == Ticks.step(from: domain.0, to: domain.1, count: count))
  }

  @Test(
    "the step matches d3-array's tickStep-test.js (as a distance, so always positive)",
    arguments: [
      (0.0, 1.0, 10, 0.1), (0, 1, 9, 0.1), (0, 1, 8, 0.1), (0, 1, 7, 0.2), (0, 1, 6, 0.2), (0, 1, 5, 0.2),
      (0, 1, 4, 0.2), (0, 1, 3, 0.5), (0, 1, 2, 0.5), (0, 1, 1, 1.0), (0, 10, 10, 1), (0, 10, 9, 1), (0, 10, 8, 1),
      (0, 10, 7, 2), (0, 10, 6, 2), (0, 10, 5, 2), (0, 10, 4, 2), (0, 10, 3, 5), (0, 10, 2, 5), (0, 10, 1, 10),
      (-10, 10, 10, 2), (-10, 10, 9, 2), (-10, 10, 8, 2), (-10, 10, 7, 2), (-10, 10, 6, 5), (-10, 10, 5, 5),
      (-10, 10, 4, 5), (-10, 10, 3, 5), (-10, 10, 2, 10), (-10, 10, 1, 20),
    ] as [(Double, Double, Int, Double)])
  func d3Step(start: Double, stop: Double, count: Int, expected: Double) {
    #expect(Ticks.step(from: start, to: stop, count: count) == expected)
    #expect(Ticks.step(from: stop, to: start, count: count) == expected)
  }

  @Test("ticks never include negative zero (d3-array: ticks(-1, 0, 5))")
  func noNegativeZero() throws {
    let last = try #require(Ticks.linear(from: -1, to: 0, count: 5).last)
    #expect(last == 0)
    #expect(last.sign == .plus)
  }

  // MARK: - Values and labels

  @Test("0…1 with 10 ticks gives exactly 0, 0.1, …, 1, labelled 0.0 … 1.0")
  func unitInterval() throws {
    let ticks = Ticks.linear(from: 0, to: 1, count: 10)
    // Each tick is k / 10 (one rounding), never 0.1 * k (two): 3 / 10 is the double nearest 0.3.
    #expect(ticks == (0...10).map { Double($0) / 10 })
    let step = try #require(Ticks.step(from: 0, to: 1, count: 10))
    #expect(
      TickLabels.linear(ticks, step: step) == [
        "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0",
      ])
  }

  @Test("a tiny range (1e-9 … 3e-9) gets scientific labels one step apart")
  func tinyRange() throws {
    let ticks = Ticks.linear(from: 1e-9, to: 3e-9, count: 10)
    // Step 2e-10: the multiples 5…15 of it, each divided by 5e9.
    #expect(ticks == (5...15).map { Double($0) / 5e9 })
    let step = try #require(Ticks.step(from: 1e-9, to: 3e-9, count: 10))
    #expect(step == 1 / 5e9)
    #expect(
      TickLabels.linear(ticks, step: step) == [
        "1e-9", "1.2e-9", "1.4e-9", "1.6e-9", "1.8e-9", "2e-9", "2.2e-9", "2.4e-9", "2.6e-9", "2.8e-9", "3e-9",
      ])
  }

  @Test("a huge range (0 … 4e12) gets scientific labels, zero as 0")
  func hugeRange() throws {
    let ticks = Ticks.linear(from: 0, to: 4e12, count: 10)
    #expect(ticks == (0...8).map { Double($0) * 5e11 })
    let step = try #require(Ticks.step(from: 0, to: 4e12, count: 10))
    #expect(
      TickLabels.linear(ticks, step: step) == [
        "0", "5e11", "1e12", "1.5e12", "2e12", "2.5e12", "3e12", "3.5e12", "4e12",
      ])
  }

  @Test("scientific labels keep the digits that tell neighbouring ticks apart")
  func scientificDigits() throws {
    // 1,000,000 … 1,007,000 in steps of 1000: three significant digits would print 1e6 eight times.
    let ticks = Ticks.linear(from: 1_000_000, to: 1_007_000, count: 7)
    let step = try #require(Ticks.step(from: 1_000_000, to: 1_007_000, count: 7))
    #expect(
      TickLabels.linear(ticks, step: step) == [
        "1e6", "1.001e6", "1.002e6", "1.003e6", "1.004e6", "1.005e6", "1.006e6", "1.007e6",
      ])
    // A loss that has settled near 0.0059 and moves in the sixth decimal.
    let settled = Ticks.linear(from: 0.005_892, to: 0.005_896, count: 4)
    let settledStep = try #require(Ticks.step(from: 0.005_892, to: 0.005_896, count: 4))
    #expect(
      TickLabels.linear(settled, step: settledStep) == ["5.892e-3", "5.893e-3", "5.894e-3", "5.895e-3", "5.896e-3"])
  }

  @Test("labels of many domains never show binary noise, never repeat, and ticks stay inside the domain")
  func labelsOfManyDomains() throws {
    var numbers = SeededNumbers(seed: 2024)
    for _ in 0..<3_000 {
      // Domains from 1e-9 to 1e8 wide, anywhere around zero, with the counts panels ask for.
      let magnitude = pow(10, Double(Int(numbers.uniform() * 17) - 9))
      let start = (numbers.uniform() * 2 - 1) * magnitude * 10
      let stop = start + (0.01 + numbers.uniform()) * magnitude * 10
      let count = 1 + Int(numbers.uniform() * 14)
      let ticks = Ticks.linear(from: start, to: stop, count: count)
      let step = try #require(Ticks.step(from: start, to: stop, count: count))
      let labels = TickLabels.linear(ticks, step: step)
      let context = "domain \(start) … \(stop), count \(count): \(labels)"
      #expect(!ticks.isEmpty, "\(context)")
      #expect(ticks.allSatisfy { $0 >= start && $0 <= stop }, "\(context)")
      #expect(Set(labels).count == labels.count, "\(context)")
      for label in labels {
        // The digits after the point, up to an exponent: 0.30000000000000004 shows a run of zeros.
        let fraction = label.drop { $0 != "." }.prefix { $0 != "e" }
        #expect(!fraction.contains("00000") && !fraction.contains("99999"), "\(context)")
      }
    }
  }

  // MARK: - Logarithmic ticks

  @Test("log ticks over 1e-5 … 10 are the powers of ten, labelled 1e-5, 1e-4, 0.001 … 10")
  func logarithmicDecades() {
    let ticks = Ticks.logarithmic(from: 1e-5, to: 10, count: 10)
    #expect(ticks == [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10])
    #expect(TickLabels.logarithmic(ticks) == ["1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10"])
  }

  @Test("a log axis with more decades than ticks labels every other power")
  func logarithmicStride() {
    #expect(Ticks.logarithmic(from: 1e-5, to: 10, count: 4) == [1e-5, 1e-3, 1e-1, 10])
    #expect(TickLabels.logarithmic([1e-6, 1e6]) == ["1e-6", "1e6"])
  }

  @Test("a reversed log domain gives the ticks in reverse")
  func logarithmicReversed() {
    #expect(Ticks.logarithmic(from: 1000, to: 1, count: 10) == [1000, 100, 10, 1])
  }

  @Test(
    "a log domain narrower than a decade still gets two or more distinct ticks inside it",
    arguments: [(3.1, 3.9), (1.5, 1.9), (0.011, 0.019), (2, 3), (42, 47), (0.4, 1.013), (2, 8), (5, 50)])
  func logarithmicNarrow(start: Double, stop: Double) {
    let ticks = Ticks.logarithmic(from: start, to: stop, count: 5)
    let labels = TickLabels.logarithmic(ticks)
    #expect(ticks.count >= 2, "\(ticks)")
    #expect(ticks.allSatisfy { $0 >= start && $0 <= stop }, "\(ticks)")
    #expect(Set(labels).count == labels.count, "\(labels)")
  }

  @Test("narrow log domains use 1-2-5 multiples, or all nine when those are too few")
  func logarithmicMultiples() {
    #expect(Ticks.logarithmic(from: 5, to: 50, count: 5) == [5, 10, 20, 50])
    #expect(Ticks.logarithmic(from: 2, to: 8, count: 5) == [2, 3, 4, 5, 6, 7, 8])
    #expect(TickLabels.logarithmic(Ticks.logarithmic(from: 3.1, to: 3.9, count: 5)) == ["3.2", "3.4", "3.6", "3.8"])
  }

  @Test(
    "a log domain touching zero or below gives no ticks",
    arguments: [(0.0, 10.0), (-1, 10), (10, 0), (-10, -1), (0, 0)])
  func logarithmicNonPositive(start: Double, stop: Double) {
    #expect(Ticks.logarithmic(from: start, to: stop, count: 10) == [])
  }

  // MARK: - Nice domains

  @Test(
    "nice widens a domain to multiples of the step, as d3-scale's linear.nice(count)",
    arguments: [
      // d3-scale test/linear-test.js
      (1.1, 10.9, 10, 1.0, 11.0), (10.9, 1.1, 10, 11, 1), (0.7, 11.001, 10, 0, 12), (123.1, 6.7, 10, 130, 0),
      (0, 0.49, 10, 0, 0.5), (-0.1, 51.1, 8, -10, 60), (12, 87, 5, 0, 100), (12, 87, 10, 10, 90),
      // A loss curve from 0.13 to 2.27, worked by hand: with about 5 ticks the step is 0.5
      // (2.14 / 5 = 0.43 → 0.5), giving 0 … 2.5; with 10 it is 0.2, giving 0 … 2.4. A panel's
      // y axis asks for about 4.
      (0.13, 2.27, 5, 0, 2.5), (0.13, 2.27, 4, 0, 2.5), (0.13, 2.27, 10, 0, 2.4),
    ] as [(Double, Double, Int, Double, Double)])
  func nice(start: Double, stop: Double, count: Int, niceStart: Double, niceStop: Double) {
    let result = Ticks.nice(start, stop, count: count)
    #expect(result.0 == niceStart && result.1 == niceStop, "\(result)")
  }

  @Test(
    "nice leaves degenerate and non-finite domains as they are",
    arguments: [(0.0, 0.0), (0.5, 0.5), (.nan, 1), (0, .infinity)])
  func niceDegenerate(start: Double, stop: Double) {
    let result = Ticks.nice(start, stop, count: 10)
    #expect(result.0.isNaN ? start.isNaN : result.0 == start)
    #expect(result.1.isNaN ? stop.isNaN : result.1 == stop)
  }

  @Test(
    "log nice rounds out to powers of ten, as d3-scale's log.nice()",
    arguments: [
      // d3-scale test/log-test.js
      (0.7, 11.001, 0.1, 100.0), (123.1, 6.7, 1000, 1), (0.01, 0.49, 0.01, 1), (1.5, 50, 1, 100),
      // Narrower than a decade: d3 gives 1 … 100, which would squash the data into the bottom
      // half of the axis, so the domain is kept.
      (1.1, 10.9, 1.1, 10.9),
      // Not positive: nothing to round.
      (0, 10, 0, 10),
    ] as [(Double, Double, Double, Double)])
  func niceLogarithmic(start: Double, stop: Double, niceStart: Double, niceStop: Double) {
    let result = Ticks.niceLogarithmic(start, stop)
    #expect(result.0 == niceStart && result.1 == niceStop, "\(result)")
  }
}
