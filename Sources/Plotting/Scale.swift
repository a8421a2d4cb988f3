import Glibc

/// How an axis maps values to positions.
public enum AxisScale: String, Sendable, Equatable {
  case linear
  /// Base-10 logarithmic; values at or below zero are left out (shown as gaps).
  case log
}

/// A tick: where it sits on the axis and what it says.
public struct Tick: Sendable, Equatable {
  public var value: Double
  public var label: String
}

/// Maps a data domain onto a pixel range, linearly or logarithmically, and chooses the ticks.
struct Scale {
  var kind: AxisScale
  /// Data values at the two ends of `range`; may be reversed.
  var domain: (Double, Double)
  var range: (Double, Double)

  /// The pixel position of `value`, or nil when it cannot be shown (NaN, infinite, or not
  /// positive on a log axis, or a domain so wide that the arithmetic overflows).
  @inline(__always)
  func position(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    let t: Double
    switch kind {
    case .linear:
      t = (value - domain.0) / (domain.1 - domain.0)
    case .log:
      guard value > 0 else { return nil }
      t = (log10(value) - log10(domain.0)) / (log10(domain.1) - log10(domain.0))
    }
    let position = range.0 + t * (range.1 - range.0)
    // ±1e308 data overflow `domain.1 - domain.0`: a NaN here would pass every clip test.
    return position.isFinite ? position : nil
  }

  /// Whether `value` lies in the domain (either direction).
  func contains(_ value: Double) -> Bool {
    value >= min(domain.0, domain.1) && value <= max(domain.0, domain.1)
  }

  func ticks(count: Int) -> [Tick] {
    switch kind {
    case .linear:
      let values = Ticks.linear(from: domain.0, to: domain.1, count: count)
      let step = Ticks.step(from: domain.0, to: domain.1, count: count) ?? 1
      return zip(values, TickLabels.linear(values, step: step)).map { Tick(value: $0, label: $1) }
    case .log:
      let values = Ticks.logarithmic(from: domain.0, to: domain.1, count: count)
      return zip(values, TickLabels.logarithmic(values)).map { Tick(value: $0, label: $1) }
    }
  }

  /// A domain that shows every value in `extent` with room to spare: nice round ends, a
  /// degenerate extent widened around its value, and a default when there is no data.
  static func domain(
    covering extent: (Double, Double)?, kind: AxisScale, tickCount: Int, includingZero: Bool = false
  ) -> (Double, Double) {
    guard var (low, high) = extent else { return kind == .log ? (1, 10) : (0, 1) }
    switch kind {
    case .linear:
      if includingZero {
        low = min(low, 0)
        high = max(high, 0)
      }
      if low == high {
        let pad = low == 0 ? 1 : abs(low) * 0.1
        low -= pad
        high += pad
      }
      return Ticks.nice(low, high, count: tickCount)
    case .log:
      if low == high {
        low /= 2
        high *= 2
      }
      return Ticks.niceLogarithmic(low, high)
    }
  }
}

/// The smallest and largest finite value (positive only for a log axis), or nil when none.
func finiteExtent<S: Sequence>(_ values: S, positiveOnly: Bool) -> (Double, Double)? where S.Element == Double {
  var low = Double.infinity
  var high = -Double.infinity
  for value in values where value.isFinite && (!positiveOnly || value > 0) {
    if value < low { low = value }
    if value > high { high = value }
  }
  return low <= high ? (low, high) : nil
}

/// Two extents joined.
func union(_ a: (Double, Double)?, _ b: (Double, Double)?) -> (Double, Double)? {
  switch (a, b) {
  case (nil, nil): return nil
  case (let x?, nil): return x
  case (nil, let y?): return y
  case (let x?, let y?): return (min(x.0, y.0), max(x.1, y.1))
  }
}
