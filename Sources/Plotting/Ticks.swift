import Glibc

/// Tick positions for an axis, after d3-array's `ticks`: every tick is an integer multiple of
/// a step of 1, 2 or 5 times a power of ten. For steps below one the multiple is *divided* by
/// an integer (`3 / 10`, not `3 * 0.1`), which is why labels read `0.3` and never
/// `0.30000000000000004`.
public enum Ticks {
  private static let e10 = 50.0.squareRoot()
  private static let e5 = 10.0.squareRoot()
  private static let e2 = 2.0.squareRoot()

  /// The first and last multiple and the increment: a positive increment is the step; a
  /// negative one means the step is `1 / -increment`.
  static func specification(_ start: Double, _ stop: Double, _ count: Double) -> (Double, Double, Double) {
    let step = (stop - start) / max(0, count)
    let power = floor(log10(step))
    let error = step / pow(10, power)
    let factor: Double = error >= e10 ? 10 : error >= e5 ? 5 : error >= e2 ? 2 : 1
    var first: Double
    var last: Double
    var increment: Double
    if power < 0 {
      increment = pow(10, -power) / factor
      first = (start * increment).rounded()
      last = (stop * increment).rounded()
      if first / increment < start { first += 1 }
      if last / increment > stop { last -= 1 }
      increment = -increment
    } else {
      increment = pow(10, power) * factor
      first = (start / increment).rounded()
      last = (stop / increment).rounded()
      if first * increment < start { first += 1 }
      if last * increment > stop { last -= 1 }
    }
    if last < first && 0.5 <= count && count < 2 { return specification(start, stop, count * 2) }
    return (first, last, increment)
  }

  /// About `count` nice values from `start` to `stop` inclusive, in the domain's direction.
  /// NaN or infinite bounds and a non-positive count give none; `start == stop` gives one.
  public static func linear(from start: Double, to stop: Double, count: Int) -> [Double] {
    guard count > 0, start.isFinite, stop.isFinite else { return [] }
    if start == stop { return [start] }
    let reversed = stop < start
    let (first, last, increment) =
      reversed ? specification(stop, start, Double(count)) : specification(start, stop, Double(count))
    guard last >= first, (last - first) < 1e6 else { return [] }
    let n = Int(last - first) + 1
    return (0..<n).map { i in
      let multiple = reversed ? last - Double(i) : first + Double(i)
      return increment < 0 ? multiple / -increment : multiple * increment
    }
  }

  /// The distance between neighbouring ticks (positive even for a reversed domain), or nil
  /// when there would be no ticks.
  public static func step(from start: Double, to stop: Double, count: Int) -> Double? {
    guard count > 0, start.isFinite, stop.isFinite, start != stop else { return nil }
    let (_, _, increment) = specification(min(start, stop), max(start, stop), Double(count))
    guard increment.isFinite, increment != 0 else { return nil }
    return increment < 0 ? 1 / -increment : increment
  }

  /// The domain widened outwards to multiples of the tick step, as d3's `scale.nice()`: a
  /// loss from 0.13 to 2.27 becomes 0 to 2.5. Repeats until the step settles.
  public static func nice(_ start: Double, _ stop: Double, count: Int) -> (Double, Double) {
    guard start.isFinite, stop.isFinite, start != stop, count > 0 else { return (start, stop) }
    let reversed = stop < start
    var low = min(start, stop)
    var high = max(start, stop)
    var previous: Double?
    for _ in 0..<10 {
      let (_, _, increment) = specification(low, high, Double(count))
      if increment == previous { break }
      if increment > 0 {
        low = floor(low / increment) * increment
        high = ceil(high / increment) * increment
      } else if increment < 0 {
        low = ceil(low * increment) / increment
        high = floor(high * increment) / increment
      } else {
        break
      }
      previous = increment
    }
    return reversed ? (high, low) : (low, high)
  }

  /// Ticks for a base-10 logarithmic axis over a positive domain: powers of ten when the
  /// domain spans a decade or more (every k-th power when there are many), otherwise the
  /// 1-, 2- and 5-multiples (or all nine) that fall inside. Nothing for a domain that
  /// touches zero or below.
  public static func logarithmic(from start: Double, to stop: Double, count: Int) -> [Double] {
    guard count > 0, start.isFinite, stop.isFinite, start > 0, stop > 0 else { return [] }
    if start == stop { return [start] }
    let low = min(start, stop)
    let high = max(start, stop)
    let firstPower = Int(ceil(log10(low) - 1e-12))
    let lastPower = Int(floor(log10(high) + 1e-12))
    var ticks: [Double]
    if lastPower - firstPower >= 1 {
      let stride = max(1, Int(ceil(Double(lastPower - firstPower + 1) / Double(count))))
      ticks = Swift.stride(from: firstPower, through: lastPower, by: stride).map(powerOfTen)
    } else {
      ticks = multiples(in: low...high, of: [1, 2, 5])
      if ticks.count < 3 { ticks = multiples(in: low...high, of: Array(1...9).map(Double.init)) }
      // Between two multiples (3.1…3.9) there are none: use linear ticks, as d3's log scale does.
      if ticks.count < 2 { ticks = linear(from: low, to: high, count: count) }
    }
    return stop < start ? ticks.reversed() : ticks
  }

  /// 10^k computed so that negative powers are exact decimal values (`1 / 1000`, not
  /// `pow(10, -3)`'s neighbour).
  static func powerOfTen(_ k: Int) -> Double {
    k < 0 ? 1 / pow(10, Double(-k)) : pow(10, Double(k))
  }

  private static func multiples(in domain: ClosedRange<Double>, of factors: [Double]) -> [Double] {
    let lowPower = Int(floor(log10(domain.lowerBound)))
    let highPower = Int(floor(log10(domain.upperBound)))
    var ticks: [Double] = []
    for power in lowPower...highPower {
      for factor in factors {
        let value = power < 0 ? factor / pow(10, Double(-power)) : factor * pow(10, Double(power))
        if domain.contains(value) { ticks.append(value) }
      }
    }
    return ticks
  }

  /// A power-of-ten domain around `start…stop` for a log axis (d3's log `nice`), when the
  /// data span at least one decade; narrower domains are kept, so they are not squashed.
  public static func niceLogarithmic(_ start: Double, _ stop: Double) -> (Double, Double) {
    guard start > 0, stop > 0, start.isFinite, stop.isFinite else { return (start, stop) }
    let low = min(start, stop)
    let high = max(start, stop)
    guard log10(high) - log10(low) >= 1 else { return (start, stop) }
    let niceLow = powerOfTen(Int(floor(log10(low) + 1e-12)))
    let niceHigh = powerOfTen(Int(ceil(log10(high) - 1e-12)))
    return stop < start ? (niceHigh, niceLow) : (niceLow, niceHigh)
  }
}
